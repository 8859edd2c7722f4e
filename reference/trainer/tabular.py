"""A CSV of the user's own as training data: columns encoded, the target encoded, rows split (specs/tabular.md).

A numeric feature column is standardized, x = (value - mean) / std, with the mean and std of the
training rows; a column holding text is one-hot encoded over the values of the training rows. The
encoding is a JSON object saved with the model, so that predict encodes new rows the same way.
"""
import math
import os
import random

from reference.trainer.bike_sharing import DataError, column_index, is_number, parse_number, read_rows
from reference.softmax import softmax_row

MAX_CATEGORIES = 50  # a text column with more values than this is an identifier or free text, not a category


def feature_names(header, target, features, name):
    """The feature columns: data.features as given, or every column but the target; a DataError names a missing one."""
    column_index(header, target, name, ", which the config names as data.target")
    if features is None:
        return [c for c in header if c != target]
    for column in features:
        column_index(header, column, name, ", which the config lists in data.features")
    return list(features)


def moments(x):
    """Numbers -> (mean, standard deviation over N); a std of 0 (one value) counts as 1, so x - mean stays 0."""
    mean = math.fsum(x) / len(x)
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in x) / len(x)) or 1.0


def fit_column(column, values, name):
    """The training values of a column -> its encoding: {"name", "mean", "std", "range"} or {"name", "categories"}."""
    numbers = [float(v) for v in values if is_number(v)]
    if len(numbers) == len(values):
        mean, std = moments(numbers)
        return {"name": column, "mean": mean, "std": std, "range": [min(numbers), max(numbers)]}
    if len(numbers) >= 0.9 * len(values):
        odd = next(v for v in values if not is_number(v))
        raise DataError(f"{name}, column '{column}': numbers except {odd!r}; fill in or remove that value, "
                        "or leave the column out of data.features")
    categories = sorted(set(values))
    if len(categories) > MAX_CATEGORIES:
        raise DataError(f"{name}, column '{column}': {len(categories)} different text values, more than "
                        f"{MAX_CATEGORIES}; an identifier or free text is no feature: leave it out of data.features")
    return {"name": column, "categories": categories}


def width(columns):
    """D: one input per numeric column, one per category of a text column."""
    return sum(len(c.get("categories", [None])) for c in columns)


def names(columns):
    """The D input names: "age" for a numeric column, "color=red" for each category of a text column."""
    return [f"{c['name']}={v}" if "categories" in c else c["name"] for c in columns for v in c.get("categories", [0])]


def encode(columns, header, rows, name, lines):
    """Rows of strings -> x (N, D): numeric columns standardized, text columns one-hot (unseen values: all 0).

    lines: the file line of each row, for errors.
    """
    indices = [column_index(header, c["name"], name, ", which the model takes as a feature") for c in columns]
    x = []
    for line, row in zip(lines, rows):
        entries = []
        for column, i in zip(columns, indices):
            if "categories" in column:
                entries += [1.0 if row[i] == v else 0.0 for v in column["categories"]]
            else:
                entries.append((parse_number(row[i], name, line, column["name"]) - column["mean"]) / column["std"])
        x.append(entries)
    return x


def class_names(labels, name, target):
    """The distinct labels, in numeric order when all are numbers, else in text order; at least two."""
    if "" in labels:
        raise DataError(f"{name}, line {labels.index('') + 2}, column '{target}': no class label; every row "
                        "needs one")
    numbers = all(is_number(v) for v in labels)
    classes = sorted(set(labels), key=float) if numbers else sorted(set(labels))
    if numbers and len(classes) > MAX_CATEGORIES:
        raise DataError(f"{name}, column '{target}': {len(classes)} different numbers as classes; for a quantity, "
                        "set data.task to 'regression'")
    if len(classes) < 2:
        raise DataError(f"{name}, column '{target}': one class only ({classes[0]!r}); classification needs two")
    return classes


def encode_target(target, labels, name, lines):
    """Target strings -> y: (N, 1) standardized numbers, (N, 1) 0/1 for two classes, or N class indices."""
    if "classes" not in target:
        return [[(parse_number(v, name, line, target["name"]) - target["mean"]) / target["std"]]
                for v, line in zip(labels, lines)]
    index = {c: k for k, c in enumerate(target["classes"])}
    if len(index) == 2:
        return [[float(index[v])] for v in labels]
    return [index[v] for v in labels]


def decode(target, outputs):
    """Network outputs (N, M) -> predictions: numbers in the target's units, or (class name, probability) pairs."""
    if "classes" not in target:
        return [row[0] * target["std"] + target["mean"] for row in outputs]
    classes = target["classes"]
    if len(classes) == 2:
        return [(classes[1], row[0]) if row[0] >= 0.5 else (classes[0], 1.0 - row[0]) for row in outputs]
    predictions = []
    for row in outputs:
        p = softmax_row(row)
        k = max(range(len(p)), key=p.__getitem__)
        predictions.append((classes[k], p[k]))
    return predictions


def truth(target, y):
    """Encoded targets y -> the targets in the target's own units, or class names."""
    if "classes" not in target:
        return [row[0] * target["std"] + target["mean"] for row in y]
    classes = target["classes"]
    return [classes[int(row[0])] for row in y] if len(classes) == 2 else [classes[k] for k in y]


def describe(parts, encoding, order):
    """A summary line of the data: rows per block, inputs, and the target's range or classes."""
    sizes = ", ".join(f"{part} {len(x)}" for part, (x, _) in parts.items())
    columns, target = encoding["columns"], encoding["target"]
    text = sum("categories" in c for c in columns)
    line = (f"data: {sizes} rows, {'in file order' if order == 'file' else 'shuffled'}; "
            f"{width(columns)} inputs from {len(columns)} columns ({text} one-hot encoded)")
    seen = truth(target, parts["train"][1])
    if "classes" in target:
        counts = ", ".join(f"{c} {seen.count(c)}" for c in target["classes"])
        return f"{line}; target '{target['name']}': {len(target['classes'])} classes, training rows {counts}"
    return f"{line}; target '{target['name']}' in [{min(seen):.4g}, {max(seen):.4g}], mean {target['mean']:.4g}"


def split_indices(labels, fractions, order, seed):
    """Row indices -> [train, validation, test] index lists: in file order, shuffled, or shuffled per class.

    labels: one label per row to stratify by (all None: no strata). The shuffle uses random.Random("split <seed>").
    """
    rng = random.Random(f"split {seed}")
    groups = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    parts = [[], [], []]
    for group in groups.values():
        if order == "shuffle":
            rng.shuffle(group)
        for part, block in zip(parts, cut(group, fractions)):
            part += block
    return parts


def cut(items, fractions):
    """items -> consecutive blocks sized by fractions; block ends at round(cumulative fraction * N)."""
    blocks, start, cumulative = [], 0, 0.0
    for fraction in fractions:
        cumulative += fraction
        end = round(cumulative * len(items))
        blocks.append(items[start:end])
        start = end
    return blocks


def column(header, rows, name):
    """The fields of one column, row by row."""
    k = header.index(name)
    return [row[k] for row in rows]


def split_rows(labels, data, seed, name):
    """[train, validation, test] row indices, stratified by label for a shuffled classification; none empty."""
    stratify = data["task"] == "classification" and data["order"] == "shuffle"
    indices = split_indices(labels if stratify else [None] * len(labels), data["split"], data["order"], seed)
    for part, chosen in zip(("train", "validation", "test"), indices):
        if not chosen:
            raise DataError(f"{name}: {len(labels)} rows leave the {part} block empty; use more rows "
                            "(data.every) or change data.split")
    return indices


def fit_target(data, classes, labels, lines, name):
    """The target's encoding: the classes given, or the mean and std of the training rows' labels."""
    target = {"name": data["target"], "task": data["task"]}
    if classes:
        target["classes"] = classes
    else:
        target["mean"], target["std"] = moments([parse_number(v, name, line, data["target"])
                                                 for v, line in zip(labels, lines)])
    return target


def prepare(data, seed):
    """The data section of a config -> (parts {"train": (x, y), ...}, encoding, input names)."""
    name = os.path.basename(data["csv"])
    header, rows = read_rows(data["csv"])
    features = feature_names(header, data["target"], data["features"], name)
    lines, rows = list(range(2, len(rows) + 2))[::data["every"]], rows[::data["every"]]
    labels = column(header, rows, data["target"])
    classes = class_names(labels, name, data["target"]) if data["task"] == "classification" else None
    indices = split_rows(labels, data, seed, name)
    train = [rows[i] for i in indices[0]]
    columns = [fit_column(c, column(header, train, c), name) for c in features]
    target = fit_target(data, classes, [labels[i] for i in indices[0]], [lines[i] for i in indices[0]], name)
    parts = {}
    for part, chosen in zip(("train", "validation", "test"), indices):
        x = encode(columns, header, [rows[i] for i in chosen], name, [lines[i] for i in chosen])
        parts[part] = (x, encode_target(target, [labels[i] for i in chosen], name, [lines[i] for i in chosen]))
    return parts, {"columns": columns, "target": target}, names(columns)
