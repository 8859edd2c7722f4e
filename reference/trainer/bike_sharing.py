"""The UCI Bike Sharing hourly data (specs/bike_sharing.md).

Rows stay in time order. Features are scaled into [0, 1]; the target is the
hourly count of rentals divided by target_scale (cnt / 1000 by default).
"""
import csv
import io
import math
import os

HOUR_CSV = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "bike-sharing", "hour.csv")
FEATURES = ("hr", "temp", "hum", "windspeed", "workingday")
SCALES = {
    "season": 4.0, "yr": 1.0, "mnth": 12.0, "hr": 23.0, "holiday": 1.0, "weekday": 6.0,
    "workingday": 1.0, "weathersit": 4.0, "temp": 1.0, "atemp": 1.0, "hum": 1.0, "windspeed": 1.0,
}
TARGETS = ("cnt", "casual", "registered")


class DataError(ValueError):
    """A data file that breaks a rule; the message is one line naming file, line and column."""


def load(path=HOUR_CSV, features=FEATURES, target="cnt", target_scale=1000.0):
    """CSV -> x (N, D) with x[n][d] = value / SCALES[feature d], y (N, 1) with y[n][0] = target / target_scale."""
    unknown = [c for c in features if c not in SCALES] + ([target] if target not in TARGETS else [])
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a column of the data; features are {', '.join(SCALES)}, "
                         f"targets are {', '.join(TARGETS)}")
    rows = read_columns(path, (*features, target))
    return scaled(rows, features), [[values[-1] / target_scale] for values in rows]


def encoding(features, target, target_scale, x):
    """The fixed scales as an encoding (specs/tabular.md): mean 0 and std SCALES[column] give value / SCALES[column].

    x (N, D): the scaled training rows, whose range the encoding records in the file's units.
    """
    columns = [{"name": c, "mean": 0.0, "std": SCALES[c],
                "range": [min(row[d] for row in x) * SCALES[c], max(row[d] for row in x) * SCALES[c]]}
               for d, c in enumerate(features)]
    return {"columns": columns, "target": {"name": target, "task": "regression", "mean": 0.0, "std": target_scale}}


def scaled(rows, features):
    """Rows of column values (features first) -> x (N, D), each feature divided by its scale."""
    return [[v / SCALES[c] for v, c in zip(values, features)] for values in rows]


def separator_of(header):
    """";" for a header line with ";" and no "," (a spreadsheet's CSV in a comma-decimal locale), else ","."""
    return ";" if ";" in header and "," not in header else ","


def read_rows(path):
    """CSV -> (header, data rows as lists of strings); a DataError names the file and the rule.

    A UTF-8 BOM is skipped; a header without "," but with ";" makes ";" the separator, and then a
    number with a decimal comma ("1,5") is read with a point ("1.5").
    """
    name = os.path.basename(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{name}: cannot be read as UTF-8 CSV ({e})") from None
    separator = separator_of(text.split("\n", 1)[0])
    try:
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=separator) if row]
    except csv.Error as e:
        raise DataError(f"{name}: cannot be read as CSV ({e})") from None
    if separator == ";":
        rows = [[decimal_point(field) for field in row] for row in rows]
    if not rows:
        raise DataError(f"{name}: the file is empty; expected a header line")
    header = rows[0]
    check_header(header, name)
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(f"{name}, line {line}: expected {len(header)} fields like the header, got {len(row)}")
    if len(rows) == 1:
        raise DataError(f"{name}: no data rows after the header")
    return header, rows[1:]


def check_header(header, name):
    """A header names each column once, and is not a row of numbers (a file without a header)."""
    if all(is_number(field) for field in header):
        raise DataError(f"{name}, line 1: the first line is all numbers, a data row, not a header; add a first "
                        "line that names the columns")
    for k, column in enumerate(header):
        if column in header[:k]:
            raise DataError(f"{name}, line 1: column '{column}' appears twice in the header; name every column once")


def decimal_point(field):
    """A number written with a decimal comma, as a ';'-separated spreadsheet writes it ("1,5"), with a point."""
    point = field.replace(",", ".")
    return point if "," in field and is_number(point) else field


def is_number(text):
    """True when a CSV field is a finite number."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def read_columns(path, columns, why=""):
    """CSV -> for each data row, the named columns as finite floats; a DataError names file, line and column.

    why is said after a missing column's name (e.g. ", which the model takes as a feature").
    """
    name = os.path.basename(path)
    header, rows = read_rows(path)
    indices = [column_index(header, c, name, why) for c in columns]
    return [[parse_number(row[i], name, line, header[i]) for i in indices] for line, row in enumerate(rows, start=2)]


def column_index(header, column, name, why=""):
    """Index of a column in the header, or a DataError naming the missing column."""
    if column not in header:
        raise DataError(f"{name}, line 1: missing column '{column}'{why}")
    return header.index(column)


def parse_number(text, name, line, column):
    """A CSV field -> float, or a DataError naming file, line and column."""
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{name}, line {line}, column '{column}': expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise DataError(f"{name}, line {line}, column '{column}': expected a finite number, got {text!r}")
    return value


def chronological_split(x, y, fractions=(0.8, 0.2)):
    """x (N, D), y (N, 1) -> [(x_part, y_part), ...]: consecutive blocks, earliest first, sized by fractions."""
    if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"split fractions must be positive and sum to 1, got {list(fractions)}")
    parts, start, cumulative = [], 0, 0.0
    for fraction in fractions:
        cumulative += fraction
        end = round(cumulative * len(x))
        parts.append((x[start:end], y[start:end]))
        start = end
    return parts
