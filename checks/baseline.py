"""Beats the mean baseline: a small model using the component learns something real.

checks/tasks.py says what each task's model learns from and how it is scored;
this module trains it and gives the verdict. For the bike tasks:

The model is trained by mini-batch gradient descent on every STRIDE-th row
of the chronological training part of the bike data, then scored in
evaluation mode (specs/protocol.md, "Modes") on the held-out later part with
the checks' own metric (never the component's own loss): MSE against the
training mean for regression, cross-entropy against the class prior for
classification (label: demand above the training median).

The score must not hang on a lucky shuffle. Every mini-batch is stratified:
the rows are ranked by target and cut into BATCH strata, and a batch takes
one row of each, so every step sees the whole range of targets. The
held-out predictions scored are the mean of those made at AVERAGED points
spread over the last epoch, so the noise of the last few steps averages
out. specs/grading.md, "Speed", gives the scores over ten seeds.

The test period has more rentals than the training period, so a constant
can beat the training mean without learning anything: the best constant
there (the test period's own mean, which no model knows) scores 90% of the
mean's MSE, and 95% of the prior's cross-entropy. The margin asks for more
than any constant can give.
"""
import math
import random
from dataclasses import dataclass

from checks.kinds import REGRESSION
from checks.tasks import BATCH, SEED, STRIDE, TASKS, bike_data, fresh_data  # noqa: F401  (read as baseline.*)
from reference.sequential import evaluate

MARGIN = 0.85  # the model must score at most 85% of the baseline's loss
EPOCHS = 5
AVERAGED = 4  # points of the last epoch whose held-out predictions are averaged


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


def sample(x, stride=STRIDE):
    """The indices of the rows a model trains on: every stride-th row of x."""
    return list(range(0, len(x), stride))


def rows_per_epoch(x, stride=STRIDE, batch=BATCH):
    """How many rows of x one epoch of train() steps through."""
    return len(sample(x, stride)) // batch * batch


def strata(t, rows, batch=BATCH):
    """rows ranked by their target in t and cut into batch equal strata (the rest of the ranking left out);
    targets that cannot be ranked keep the rows' order."""
    try:
        ranked = sorted(rows, key=lambda i: t[i])
    except TypeError:
        ranked = list(rows)
    size = len(ranked) // batch
    return [ranked[k * size:(k + 1) * size] for k in range(batch)]


def train(model, loss, x, t, epochs=EPOCHS, lr=0.1, x_eval=None, stride=STRIDE, batch=BATCH):
    """Mini-batch gradient descent on sample(x, stride), each batch one row of every stratum, the strata shuffled
    by a seeded generator; edits model.params in place. -> the mean of the predictions for x_eval (evaluation
    mode) at AVERAGED points spread over the last epoch, or None without x_eval."""
    rng, groups = random.Random(SEED), strata(t, sample(x, stride), batch)
    steps = len(groups[0])
    points = {steps - 1 - k * steps // AVERAGED for k in range(AVERAGED)} if x_eval is not None else set()
    predictions = []
    for epoch in range(epochs):
        for group in groups:
            rng.shuffle(group)
        for j in range(steps):
            rows = [group[j] for group in groups]
            loss.forward(model.forward([x[i] for i in rows]), [t[i] for i in rows])
            model.backward(loss.backward())
            grads = model.grads
            for name, p in model.params.items():
                step(p, grads[name], lr)
            if epoch == epochs - 1 and j in points:
                predictions.append(evaluate(model, x_eval))
    return mean_of(predictions) if predictions else None


def mean_of(predictions):
    """The mean of equally shaped predictions (N, M), entry by entry."""
    return [[math.fsum(values) / len(predictions) for values in zip(*rows)] for rows in zip(*predictions)]


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
    """Train the component's baseline model for one epoch; -> its training loss (on the rows it trains on) before
    and after."""
    task = TASKS[component.task]
    (x_train, y_train), _ = task.data()
    seen = sample(x_train, task.stride)
    x_seen, y_seen = [x_train[i] for i in seen], [y_train[i] for i in seen]
    try:
        model, loss = component.model(implementation or component.reference)
        before = task.score(evaluate(model, x_seen), y_seen, y_train)
        train(model, loss, x_train, task.targets(y_train, y_train), 1, task.lr, None, task.stride, task.batch)
        after = task.score(evaluate(model, x_seen), y_seen, y_train)
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
        predictions = train(model, loss, x_train, task.targets(y_train, y_train), epochs, task.lr, x_test,
                            task.stride, task.batch)
        model_score = task.score(predictions, y_test, y_train)
    except Exception as e:  # a broken implementation may raise anything; the result says what
        return BaselineResult(component.name, task.metric, math.inf, base, f"{type(e).__name__} while training: {e}")
    if not math.isfinite(model_score):
        return BaselineResult(component.name, task.metric, model_score, base, "the model's held-out score is not finite")
    return BaselineResult(component.name, task.metric, model_score, base)
