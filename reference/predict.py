"""Predictions of a saved model on the rows of a CSV file, in the target's own units (specs/predict.md)."""
import csv
import math
import os

from reference.bike_sharing import SCALES, DataError
from reference.checkpoint import load_model


def read_features(path, features):
    """CSV -> x (N, D), x[n][d] = value / SCALES[feature d]; the target column is not needed."""
    name = os.path.basename(path)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(f"{name}: cannot be read as CSV ({e})") from None
    if not rows:
        raise DataError(f"{name}: the file is empty; expected a header line")
    header = rows[0]
    missing = [c for c in features if c not in header]
    if missing:
        raise DataError(f"{name}, line 1: missing column '{missing[0]}', which the model takes as a feature")
    columns = [header.index(c) for c in features]
    x = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(f"{name}, line {line}: expected {len(header)} fields like the header, got {len(row)}")
        x.append([number(row[i], name, line, header[i]) / SCALES[header[i]] for i in columns])
    if not x:
        raise DataError(f"{name}: no data rows after the header")
    return x


def number(text, name, line, column):
    """A CSV field -> a finite float, or a DataError naming file, line and column."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise DataError(f"{name}, line {line}, column '{column}': expected a finite number, got {text!r}")
    return value


def predict(model_path, csv_path):
    """-> (target name, [prediction per CSV row]), each prediction = model output * target_scale."""
    model, record = load_model(model_path)
    x = read_features(csv_path, record["features"])
    scale = record["target_scale"]
    return record["target"], [row[0] * scale for row in model.forward(x)]
