"""Predictions of a saved model on the rows of a CSV file, in the target's own units (specs/predict.md)."""
import os

from reference.trainer import digits
from reference.trainer.bike_sequences import read_hours, target_hours, window_inputs
from reference.trainer.bike_sharing import read_rows
from reference.trainer.checkpoint import load_model
from reference.sequential import evaluate
from reference.trainer.tabular import decode, encode

FAR = 1.0  # an input more than this many training ranges outside the training range is far outside it


def predict(model_path, csv_path, warn=None):
    """-> (header, rows, target, predictions): the CSV's rows as read, and one prediction per row.

    The model predicts in evaluation mode. A prediction is a number in the target's units (regression) or a
    (class name, probability) pair. A model of the digits reads a file in digits.csv's format (specs/digits.md), and
    its rows are the true digits.
    warn, if given, receives one line per numeric column with values far outside the training range.
    """
    model, record = load_model(model_path)
    if "images" in record["data"]:
        images, labels = digits.load(csv_path)  # a file of digits.csv's format: 64 pixel counts, then the digit
        return ["digit"], [[str(c)] for c in labels], record["data"]["target"], \
            decode(record["data"]["target"], evaluate(model, images))
    columns, target = record["data"]["columns"], record["data"]["target"]
    if "window" in record["data"]:
        return predict_windows(model, record["data"], csv_path)
    header, rows = read_rows(csv_path)
    x = encode(columns, header, rows, os.path.basename(csv_path), range(2, len(rows) + 2))
    for line in far_outside(columns, x):
        (warn or (lambda message: None))(line)
    return header, rows, target, decode(target, evaluate(model, x))


def far_outside(columns, x):
    """One warning per column with values unlike the training rows: numbers more than FAR training ranges
    beyond [min, max], or text values the training rows never had (encoded as all zeros)."""
    warnings, d = [], 0
    for column in columns:
        if "categories" in column:
            k = len(column["categories"])
            unseen = sum(1 for row in x if not any(row[d:d + k]))
            if unseen:
                warnings.append(f"predict: column '{column['name']}' has {unseen} value(s) the training rows never "
                                "had; the model reads them as none of the known values")
            d += k
            continue
        low, high = column["range"]
        margin = FAR * ((high - low) or abs(high) or 1.0)
        values = [row[d] * column["std"] + column["mean"] for row in x]
        outside = [v for v in values if v < low - margin or v > high + margin]
        if outside:
            warnings.append(f"predict: column '{column['name']}' has {len(outside)} value(s) far outside the training "
                            f"range [{low:g}, {high:g}] (e.g. {outside[0]:g}); predictions there are guesses")
        d += 1
    return warnings


def predict_windows(model, encoding, csv_path):
    """A model on windows of hours: a prediction for every row with the T hours before it in the file, None for the
    others (the first T rows, and the rows after a missing hour)."""
    names, target, steps = [c["name"] for c in encoding["columns"]], encoding["target"], encoding["window"]
    header, rows = read_rows(csv_path)
    hours = read_hours(csv_path, names[:-1], target["name"])
    targets = target_hours(hours, steps)
    outputs = evaluate(model, window_inputs(hours, targets, steps, target["std"])) if targets else []
    predictions = [None] * len(rows)
    for k, value in zip(targets, decode(target, outputs)):
        predictions[k] = value
    return header, rows, target, predictions
