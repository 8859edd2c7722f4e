"""The UCI handwritten digits, 8x8 (specs/digits.md).

Each line of digits.csv holds the 64 pixel counts of one image (0..16, row
by row) and its digit; images load as (N, 1, 8, 8) with every count divided
by 16, so pixels lie in [0, 1].
"""
import csv
import os
import random

from reference.trainer.bike_sharing import DataError, chronological_split

DIGITS_CSV = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "digits", "digits.csv")
SIDE = 8  # images are SIDE x SIDE pixels
COUNT_MAX = 16  # a pixel counts the "on" dots of a 4x4 block: 0..16
CLASSES = 10  # the digits 0-9
SHAPE = (1, SIDE, SIDE)  # one image: 1 channel, 8 rows, 8 columns


def load(path=DIGITS_CSV):
    """CSV -> images (N, 1, 8, 8) with x[n][0][r][c] = count / 16, labels (N,) ints 0-9; a DataError names the line."""
    name = os.path.basename(path)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [row for row in csv.reader(f) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(f"{name}: cannot be read as CSV ({e})") from None
    if not rows:
        raise DataError(f"{name}: the file is empty; expected one image per line")
    images, labels = [], []
    for line, row in enumerate(rows, start=1):
        values = parse_row(row, name, line)
        images.append(image(values[:-1]))
        labels.append(values[-1])
    return images, labels


def parse_row(row, name, line):
    """One line's 65 fields -> 64 counts in 0..16 and a digit in 0..9, as ints, or a DataError naming the field."""
    if len(row) != SIDE * SIDE + 1:
        raise DataError(f"{name}, line {line}: expected {SIDE * SIDE + 1} fields (64 pixels, then the digit), "
                        f"got {len(row)}")
    highs = [COUNT_MAX] * (SIDE * SIDE) + [CLASSES - 1]
    values = [int(text) if text.isdigit() else -1 for text in row]
    for k, (value, high) in enumerate(zip(values, highs)):
        if not 0 <= value <= high:
            what = "the digit" if k == SIDE * SIDE else f"pixel {k}"
            raise DataError(f"{name}, line {line}, {what}: expected an integer 0..{high}, got {row[k]!r}")
    return values


def image(counts):
    """64 counts, row-major -> one image (1, 8, 8) of count / 16."""
    return [[[counts[r * SIDE + c] / COUNT_MAX for c in range(SIDE)] for r in range(SIDE)]]


def stratified_split(images, labels, fractions=(0.8, 0.2), seed=0):
    """images (N, ...), labels (N,) -> [(images_part, labels_part), ...], each part with every class in proportion.

    The images of each class are shuffled by random.Random(seed) and cut into consecutive blocks sized by
    fractions (as chronological_split cuts); part k gathers block k of every class, shuffled by the same generator.
    """
    rng = random.Random(seed)
    parts = [[] for _ in fractions]
    for digit in sorted(set(labels)):
        rows = [n for n, label in enumerate(labels) if label == digit]
        rng.shuffle(rows)
        for part, (block, _) in zip(parts, chronological_split(rows, rows, fractions)):
            part.extend(block)
    for part in parts:
        rng.shuffle(part)
    return [([images[n] for n in part], [labels[n] for n in part]) for part in parts]


def class_counts(labels):
    """labels (N,) -> [how many of each digit 0..9]."""
    return [labels.count(digit) for digit in range(CLASSES)]


def prepare(data, seed):
    """The data section of a config on the digits -> (parts {"train": (images, labels), "validation": ..., "test":
    ...}, encoding): every data.every-th image, split by stratified_split into data.split's three parts."""
    images, labels = load()
    images, labels = images[::data["every"]], labels[::data["every"]]
    parts = stratified_split(images, labels, data["split"], seed)
    for name, (x, _) in zip(("train", "validation", "test"), parts):
        if not x:
            raise DataError(f"{os.path.basename(DIGITS_CSV)}: {len(images)} images leave the {name} part empty; "
                            "use more images (data.every) or change data.split")
    return dict(zip(("train", "validation", "test"), parts)), encoding()


def encoding():
    """How a model file reads its inputs and names its outputs (specs/tabular.md): images (1, 8, 8) of count / 16,
    ten classes named 0-9."""
    return {"images": {"name": "digits", "shape": list(SHAPE), "scale": COUNT_MAX},
            "target": {"name": "digit", "task": "classification", "classes": list(range(CLASSES))}}


def describe(parts):
    """A summary line of the digits a run learns from: images per part, their shape, the training images per digit."""
    sizes = ", ".join(f"{part} {len(x)}" for part, (x, _) in parts.items())
    counts = ", ".join(f"{digit} {count}" for digit, count in enumerate(class_counts(parts["train"][1])))
    return (f"data: {sizes} images {SHAPE} of handwritten digits, pixels in [0, 1], stratified by digit; "
            f"training images per digit: {counts}")
