"""Beats the mean baseline: a small model using the component learns something real.

The model is trained by mini-batch gradient descent on the chronological
training part of the bike data, then scored in evaluation mode (specs/protocol.md,
"Modes") on the held-out later part with the checks' own metric (never the component's own loss): MSE against the
training mean for regression, cross-entropy against the class prior for
classification (label: demand above the training median).

The test period has more rentals than the training period, so a constant
can beat the training mean without learning anything: the best constant
there (the test period's own mean, which no model knows) scores 90% of the
mean's MSE, and 95% of the prior's cross-entropy. The margin asks for more
than any constant can give.
"""
import functools
import math
import random
from dataclasses import dataclass
from typing import Callable

from reference.trainer.bike_sharing import SCALES, chronological_split, load
from reference.sequential import evaluate


from checks.kinds import BINARY, CLASSES, HOURS, PROBABILITIES, REGRESSION

MARGIN = 0.85  # the model must score at most 85% of the baseline's loss
EPOCHS = 2
BATCH = 64
SEED = 0


@dataclass
class BaselineResult:
    component: str
    metric: str
    model_score: float
    baseline_score: float
    message: str = ""

    @property
    def passed(self):
        return not self.message and self.model_score <= MARGIN * self.baseline_score


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


TASKS = {
    REGRESSION: Task(fresh_data, lambda y, y_train: y, mean_squared_error, training_mean, "MSE", 0.1),
    BINARY: Task(fresh_data, lambda y, y_train: [[float(a)] for a in above_median(y, y_train)],
                 binary_cross_entropy, training_prior, "cross-entropy", 0.5, "the prior"),
    CLASSES: Task(fresh_data, above_median, cross_entropy_of_logits, training_prior, "cross-entropy", 0.5, "the prior"),
    PROBABILITIES: Task(fresh_data, lambda y, y_train: [[1.0 - a, float(a)] for a in above_median(y, y_train)],
                        cross_entropy_of_probabilities, training_prior, "cross-entropy", 0.5, "the prior"),
}


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


TASKS[HOURS] = Task(fresh_hours, lambda y, y_train: y, mean_squared_error, training_mean, "MSE", 0.1,
                    summary=hours_summary)


def train(model, loss, x, t, epochs=EPOCHS, lr=0.1):
    """Mini-batch gradient descent, shuffled by a seeded generator; edits model.params in place."""
    rng, order = random.Random(SEED), list(range(len(x)))
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            loss.forward(model.forward([x[i] for i in rows]), [t[i] for i in rows])
            model.backward(loss.backward())
            grads = model.grads
            for name, p in model.params.items():
                step(p, grads[name], lr)


def step(p, g, lr):
    """p <- p - lr g, in place, for a tensor of any rank."""
    for i, gi in enumerate(g):
        if isinstance(gi, list):
            step(p[i], gi, lr)
        else:
            p[i] -= lr * gi


@dataclass
class TrainingResult:
    """The loss-reduction check: the training loss of the baseline model before and after one epoch."""

    component: str
    metric: str
    before: float
    after: float
    message: str = ""

    @property
    def passed(self):
        return not self.message and self.after < self.before


def data_summary(task=REGRESSION):
    """One line on the training data the baseline models of a task learn from: what to look at before training."""
    if TASKS[task].summary is not None:
        return TASKS[task].summary()
    (x, y), _ = bike_data()
    low, high = min(min(row) for row in x), max(max(row) for row in x)
    targets_seen = [row[0] for row in y]
    return (f"{len(x)} training rows of hourly bike data in time order, {len(x[0])} features in [{low:g}, {high:g}], "
            f"target cnt / 1000 in [{min(targets_seen):g}, {max(targets_seen):g}], mean "
            f"{math.fsum(targets_seen) / len(targets_seen):.3f}")


def first_epoch(component, implementation=None):
    """Train the component's baseline model for one epoch; -> its training loss before and after."""
    task = TASKS[component.task]
    (x_train, y_train), _ = task.data()
    try:
        model, loss = component.model(implementation or component.reference)
        before = task.score(evaluate(model, x_train), y_train, y_train)
        train(model, loss, x_train, task.targets(y_train, y_train), 1, task.lr)
        after = task.score(evaluate(model, x_train), y_train, y_train)
    except Exception as e:  # a broken implementation may raise anything; the result says what
        return TrainingResult(component.name, task.metric, math.nan, math.nan, f"{type(e).__name__} while training: {e}")
    if not math.isfinite(after):
        return TrainingResult(component.name, task.metric, before, after,
                              f"after one epoch the training {task.metric} is {after!r}, not a finite number: it "
                              "blew up (is a sign flipped, or the step far too long?)")
    return TrainingResult(component.name, task.metric, before, after)


def run(component, implementation=None, epochs=EPOCHS):
    """Train the component's baseline model and compare it with the mean (or prior) baseline."""
    task = TASKS[component.task]
    (x_train, y_train), (x_test, y_test) = task.data()
    base = task.constant(y_train, y_test)
    try:
        model, loss = component.model(implementation or component.reference)
        train(model, loss, x_train, task.targets(y_train, y_train), epochs, task.lr)
        model_score = task.score(evaluate(model, x_test), y_test, y_train)
    except Exception as e:  # a broken implementation may raise anything; the result says what
        return BaselineResult(component.name, task.metric, math.inf, base, f"{type(e).__name__} while training: {e}")
    if not math.isfinite(model_score):
        return BaselineResult(component.name, task.metric, model_score, base, "the model's held-out score is not finite")
    return BaselineResult(component.name, task.metric, model_score, base)
