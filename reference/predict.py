"""Predictions of a saved model on the rows of a CSV file, in the target's own units (specs/predict.md)."""
from reference.bike_sharing import read_columns, scaled
from reference.checkpoint import load_model


def read_features(path, features):
    """CSV -> x (N, D), x[n][d] = value / SCALES[feature d]; the target column is not needed."""
    return scaled(read_columns(path, features, ", which the model takes as a feature"), features)


def predict(model_path, csv_path):
    """-> (target name, [prediction per CSV row]), each prediction = model output * target_scale."""
    model, record = load_model(model_path)
    x = read_features(csv_path, record["features"])
    scale = record["target_scale"]
    return record["target"], [row[0] * scale for row in model.forward(x)]
