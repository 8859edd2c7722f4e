"""The baseline tasks: the data a component's small model learns from, what its loss trains on, and the checks'
own metric against the best constant (checks/baseline.py trains and scores).

The bike tasks learn from the five course features of the hourly bike data
(cnt / 1000, split 80/20 in time): regression against the training mean, and
three classification forms of "demand above the training median" against the
training prior. The digits task learns from a stratified subsample of the
handwritten digits (specs/digits.md) against the class prior; the sequences
task from windows of 24 hours of bike data (specs/bike_sequences.md); the
hours task from the hour of the day as an integer id (for Embedding).
Data is loaded once and kept where nothing can edit it: every model gets new
lists.
"""
import functools
import math
from dataclasses import dataclass
from typing import Callable

from checks.kinds import BINARY, CLASSES, DIGITS, HOURS, PROBABILITIES, REGRESSION, SEQUENCES
from checks.nested import copy
from reference.trainer import bike_sequences, digits
from reference.trainer.bike_sharing import SCALES, chronological_split, load

BATCH = 32  # rows of a mini-batch, and strata of the training rows
STRIDE = 4  # the bike models train on every STRIDE-th training row
SEED = 0  # the digits' split and subsample; checks/baseline.py's shuffle


@functools.lru_cache(maxsize=1)
def bike_data():
    """((x_train, y_train), (x_test, y_test)): the five course features, cnt / 1000, split 80/20 in time. Loaded
    once and kept in tuples, which nothing can edit: models train on fresh_data()."""
    x, y = load()
    return tuple(tuple(tuple(map(tuple, rows)) for rows in part) for part in chronological_split(x, y, (0.8, 0.2)))


def fresh_data():
    """bike_data() as new lists: a model may edit the rows it is given, and the next model must get them as loaded."""
    return tuple(tuple([list(row) for row in rows] for rows in part) for part in bike_data())


def above_median(y, y_train):
    """The label of each row of y: 1 when cnt / 1000 is above the training median, else 0."""
    threshold = sorted(r[0] for r in y_train)[len(y_train) // 2]
    return [1 if row[0] > threshold else 0 for row in y]


@dataclass(frozen=True)
class Task:
    """A baseline task: the data its models learn from, what the loss trains on, and the checks' own metric.

    A component's declaration names its task (Component.task); TASKS holds them by that name. A task on
    other data (images, sequences) is one more entry, with its own data function.
    """

    data: Callable  # () -> ((x_train, y_train), (x_test, y_test)): new lists, which a model may edit
    targets: Callable  # (y, y_train) -> the training targets of the rows y, given to the loss
    score: Callable  # (predictions, y, y_train) -> the checks' metric of predictions of the rows y
    constant: Callable  # (y_train, y_test) -> the metric of the best constant a model knows (mean or prior)
    metric: str  # the metric's name in reports: "MSE" or "cross-entropy"
    lr: float  # the baseline's learning rate
    constant_name: str = "the mean"  # what the constant predicts, in reports: "the mean", "the prior"
    summary: Callable = None  # () -> one line on the training data; None: the bike data's (data_summary)
    stride: int = STRIDE  # the models train on every stride-th training example
    batch: int = BATCH  # rows of a mini-batch, and strata of the training examples


def mean_squared_error(predictions, y, y_train=None):
    return math.fsum((p[0] - t[0]) ** 2 for p, t in zip(predictions, y)) / len(y)


def binary_cross_entropy(predictions, y, y_train):
    return cross_entropy([[1.0 - p[0], p[0]] for p in predictions], above_median(y, y_train))


def cross_entropy_of_logits(predictions, y, y_train):
    return cross_entropy([softmax(z) for z in predictions], above_median(y, y_train))


def cross_entropy_of_probabilities(predictions, y, y_train):
    return cross_entropy(predictions, above_median(y, y_train))


def training_mean(y_train, y_test):
    """The MSE of predicting the training mean for every held-out row."""
    mean = math.fsum(r[0] for r in y_train) / len(y_train)
    return mean_squared_error([[mean]] * len(y_test), y_test)


def training_prior(y_train, y_test):
    """The cross-entropy of predicting the training prior of "above the median" for every held-out row."""
    labels_train, labels_test = above_median(y_train, y_train), above_median(y_test, y_train)
    prior = sum(labels_train) / len(labels_train)
    return cross_entropy([[1.0 - prior, prior]] * len(labels_test), labels_test)


def cross_entropy(probabilities, labels):
    """Mean of -log p[label], each probability floored at 1e-12."""
    return -math.fsum(math.log(max(p[c], 1e-12)) for p, c in zip(probabilities, labels)) / len(labels)


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


# The digits task: images (N, 1, 8, 8) of handwritten digits, labels 0-9 (specs/digits.md), scored by the
# cross-entropy of softmax(outputs) against the training class prior.
DIGITS_SUBSAMPLE = 0.3  # the share of the training part that the baseline models learn from: 434 of 1,438 images


@functools.lru_cache(maxsize=1)
def digits_data():
    """((x_train, labels_train), (x_test, labels_test)): a seeded stratified subsample of the training part of the
    digits (small enough for make check) and the whole held-out part, loaded once; models train on fresh_digits()."""
    images, labels = digits.load()
    (x_train, y_train), test = digits.stratified_split(images, labels, seed=SEED)
    subsample, _ = digits.stratified_split(x_train, y_train, (DIGITS_SUBSAMPLE, 1 - DIGITS_SUBSAMPLE), seed=SEED)
    return subsample, test


def fresh_digits():
    """digits_data() as new lists: a model may edit the images it is given."""
    return tuple((copy(x), list(y)) for x, y in digits_data())


def cross_entropy_of_digit_logits(predictions, labels, labels_train=None):
    """The cross-entropy of softmax(outputs) (N, 10) against the digits' labels (N,)."""
    return cross_entropy([softmax(z) for z in predictions], labels)


def digits_prior(labels_train, labels_test):
    """The cross-entropy of predicting the training class prior of the ten digits for every held-out image."""
    prior = [count / len(labels_train) for count in digits.class_counts(labels_train)]
    return cross_entropy([prior] * len(labels_test), labels_test)


def digits_summary():
    """One line on the digit images the baseline models learn from."""
    (x, y), _ = digits_data()
    counts = digits.class_counts(y)
    pixels = [v for image in x for row in image[0] for v in row]
    return (f"{len(x)} training images (1, 8, 8) of handwritten digits, pixels in [{min(pixels):g}, {max(pixels):g}], "
            f"10 classes with {min(counts)}-{max(counts)} images each")


# The bike sequences (reference/trainer/bike_sequences.py): the hours split 80/20 in time, windowed inside each block,
# then every SEQUENCE_STRIDES-th window kept; the strides share no factor with 24, so every hour of the day is a target.
SEQUENCE_STRIDES = (31, 17)  # training, test: about 400 and 200 windows of 24 hours


@functools.lru_cache(maxsize=1)
def sequence_data():
    """((x_train, y_train), (x_test, y_test)): x (N, 24, 6) windows, y (N, 1) the next hour's cnt / 1000. Loaded
    once and never handed out: models train on fresh_sequences()."""
    blocks = bike_sequences.load(fractions=(0.8, 0.2))
    return tuple(tuple(rows[::stride] for rows in block) for block, stride in zip(blocks, SEQUENCE_STRIDES))


def fresh_sequences():
    """sequence_data() as new lists, which a model may edit."""
    return tuple(tuple(copy(rows) for rows in part) for part in sequence_data())


def sequence_summary():
    """One line on the training windows of the SEQUENCES task."""
    (x, y), _ = sequence_data()
    targets_seen = [row[0] for row in y]
    return (f"{len(x)} training windows of {len(x[0])} hours of bike data, {len(x[0][0])} inputs per hour "
            f"({', '.join(bike_sequences.FEATURES)}, cnt / 1000), target the next hour's cnt / 1000 in "
            f"[{min(targets_seen):g}, {max(targets_seen):g}], mean {math.fsum(targets_seen) / len(targets_seen):.3f}")


# A task with integer inputs: the hour of the day as an id, for layers that take ids (Embedding) --------------

@functools.lru_cache(maxsize=1)
def hour_data():
    """((ids_train, y_train), (ids_test, y_test)): each row's hour of the day, an int in 0..23 (x (N,)), and its
    cnt / 1000, split 80/20 in time as bike_data() is. Kept in tuples; models train on fresh_hours()."""
    x, y = load(features=("hr",))
    ids = [round(row[0] * SCALES["hr"]) for row in x]  # load divides hr by SCALES["hr"]: back to 0..23
    return tuple((tuple(part_x), tuple(tuple(r) for r in part_y))
                 for part_x, part_y in chronological_split(ids, y, (0.8, 0.2)))


def fresh_hours():
    """hour_data() as new lists: the ids (N,) of ints and the targets (N, 1)."""
    return tuple((list(part_x), [list(r) for r in part_y]) for part_x, part_y in hour_data())


def hours_summary():
    (ids, y), _ = hour_data()
    return (f"{len(ids)} training rows of hourly bike data in time order, the hour of the day as an id in "
            f"[{min(ids)}, {max(ids)}], target cnt / 1000 with mean {math.fsum(r[0] for r in y) / len(y):.3f}")


TASKS = {
    REGRESSION: Task(fresh_data, lambda y, y_train: y, mean_squared_error, training_mean, "MSE", 0.1),
    BINARY: Task(fresh_data, lambda y, y_train: [[float(a)] for a in above_median(y, y_train)],
                 binary_cross_entropy, training_prior, "cross-entropy", 0.5, "the prior"),
    CLASSES: Task(fresh_data, above_median, cross_entropy_of_logits, training_prior, "cross-entropy", 0.5, "the prior"),
    PROBABILITIES: Task(fresh_data, lambda y, y_train: [[1.0 - a, float(a)] for a in above_median(y, y_train)],
                        cross_entropy_of_probabilities, training_prior, "cross-entropy", 0.5, "the prior"),
    DIGITS: Task(fresh_digits, lambda y, y_train: list(y), cross_entropy_of_digit_logits, digits_prior,
                 "cross-entropy", 0.5, "the prior", digits_summary, stride=2),
    SEQUENCES: Task(fresh_sequences, lambda y, y_train: y, mean_squared_error, training_mean, "MSE", 0.3, "the mean",
                    sequence_summary, stride=2, batch=16),
    HOURS: Task(fresh_hours, lambda y, y_train: y, mean_squared_error, training_mean, "MSE", 0.1,
                summary=hours_summary),
}
