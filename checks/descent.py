"""Checks of the parts of training that are not layers: optimizers and penalties.

The first-order descent check: on a small batch, a fresh optimizer's first
step of size lr must lower the loss by lr * sum(g * d) to first order, where
g is the gradient and d the direction its spec promises for a first step
(d = g for gradient descent and momentum, d = g / (|g| + eps) for Adam). The
decrease is measured, not assumed: the loss is evaluated before and after
the step (a finite difference along the step). A sign flip gives a rise, a
missing factor a ratio far from 1.

The penalty check: the gradient a regularizer reports is compared, entry by
entry, with central differences of its penalty, apart from any data loss.
"""
import math
import random
from dataclasses import dataclass

import reference
from checks import nested
from checks.gradcheck import check_function

LR = 1e-4  # small enough that the loss is linear along the step to about 1e-3
TOLERANCE = 0.01  # |measured / predicted - 1| allowed
BATCH = 8
HIDDEN = 8


@dataclass
class DescentReport:
    """One descent check: the loss drop a first step achieved against the first-order prediction."""

    component: str
    point: int
    measured: float = math.nan
    predicted: float = math.nan
    problem: str = ""

    @property
    def ratio(self):
        return self.measured / self.predicted if self.predicted else math.nan

    @property
    def passed(self):
        return not self.problem and abs(self.ratio - 1.0) <= TOLERANCE

    def message(self):
        """A few lines for a student: what the step did to the loss, what it should have done, what to reread."""
        head = f"{self.component}: descent check failed at point {self.point}."
        reread = f"  Reread specs/{self.component}.md, section \"Definition\"."
        if self.problem:
            return "\n".join([head, f"  {self.problem}", reread])
        if self.measured <= 0.0:
            cause = ("the update goes uphill (is its sign flipped?)" if abs(self.ratio + 1.0) <= 0.1 else
                     "the step points the wrong way, or is far longer than lr times its direction (is lr missing?)")
            what = (f"  a first step with lr = {LR:g} raised the loss by {-self.measured:.3e} instead of lowering it "
                    f"by about {self.predicted:.3e} (ratio {self.ratio:.4g}): {cause}")
        else:
            what = (f"  a first step with lr = {LR:g} lowered the loss by {self.measured:.3e}, but the first-order "
                    f"prediction lr * sum(g * d) is {self.predicted:.3e}: ratio {self.ratio:.4f}, expected 1 within "
                    f"{TOLERANCE} (a missing or extra factor in the update?)")
        return "\n".join([head, what, reread])


def small_network(seed):
    """A 5-8-1 tanh network (smooth, so the loss has no kinks along a step) with He-normal weights."""
    return reference.Sequential([reference.Dense(5, HIDDEN, seed, reference.he_normal), reference.Tanh(),
                                 reference.Dense(HIDDEN, 1, seed + 1, reference.he_normal)])


def descent_point(rng):
    """A small batch and the seed of the network: x (8, 5), t (8, 1), seed."""
    x = [[rng.gauss(0.0, 1.0) for _ in range(5)] for _ in range(BATCH)]
    t = [[rng.gauss(0.0, 1.0)] for _ in range(BATCH)]
    return x, t, rng.randrange(1000)


def check_descent(optimizer_class, direction, point, component="optimizer", index=0):
    """Take one step of optimizer_class(LR) on the network's gradient at point and measure the loss drop."""
    x, t, seed = point
    report = DescentReport(component, index)
    model, loss = small_network(seed), reference.MSE()
    before = loss.forward(model.forward(x), t)
    model.backward(loss.backward())
    grads = {name: nested.copy(model.grads[name]) for name in model.params}
    given = {name: nested.copy(g) for name, g in grads.items()}
    expected = direction(grads)
    report.predicted = LR * math.fsum(g * d for name in grads for g, d in zip(flat(grads[name]), flat(expected[name])))
    try:
        optimizer_class(LR).step(model.params, given)
        report.measured = before - loss.forward(model.forward(x), t)
    except Exception as e:  # a student's optimizer may raise anything; the report says what
        report.problem = f"{type(e).__name__} raised by step: {e}"
    if not report.problem and not math.isfinite(report.measured):
        report.problem = f"after the step the loss is {before - report.measured!r}, not a finite number"
    return report


def flat(value):
    return [v for row in value for v in row] if value and isinstance(value[0], list) else list(value)


def descent_reports(component, implementation=None):
    """The descent check of an optimizer component at each of its points."""
    implementation = implementation or component.reference
    return [check_descent(implementation, component.first_step, component.points(random.Random(seed)),
                          component.name, seed) for seed in range(3)]


def check_penalty(regularizer, params, component="regularizer"):
    """Compare regularizer.gradient(params) with central differences of regularizer.penalty(params)."""
    params = {name: nested.copy(p) for name, p in params.items()}
    return check_function(lambda: regularizer.penalty(params), lambda: regularizer.gradient(params), params, component)


def penalty_reports(component, implementation=None):
    """The penalty check of a regularizer component at each of its points: (strength, params)."""
    implementation = implementation or component.reference
    reports = []
    for seed in range(3):
        strength, params = component.points(random.Random(seed))
        reports.append(check_penalty(component.build(implementation)(strength), params, component.name))
    return reports
