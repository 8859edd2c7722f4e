"""The graded gradient check: the submission's backward against finite differences of the spec's forward.

A learner's backward can be exactly right for a wrong forward; what the spec
asks is the derivative of the spec's function. So the gradient is checked on
a spliced layer: forward is the reference's (reading the same params), and
backward comes from a fresh instance of the submission, given the same
params, that runs forward once and then backward once. A fresh instance for
every backward means a breach that has its own rule check (grads that
accumulate, a stale cache, arguments modified in place) never shows here as
a wrong gradient: each breach is charged once. The checker's diagnosis
explains the difference from the spec.
"""
import random

from checks import nested
from checks.gradcheck import probes
from checks.components import LAYER
from checks.gradcheck.fast import DIRECTIONS
from checks.gradcheck import run as run_check
from checks.grading.agreement import copy_params
from checks.grading.context import Verdict
from checks.grading.proxies import mirror
from checks.gradcheck.layer_subject import LayerSubject
from checks.gradcheck.report import GradReport
from checks.gradcheck.subjects import Counted, LossSubject, Stop, earlier_point

POINTS = 2  # gradient-check points per drawn variant
NOISE = 1e-2  # a relative error below this, from numbers that change call to call, is the determinism rule's


def located(call, *args):
    """call(*args); an error of the submission gets its line in the file added to its message."""
    try:
        return call(*args)
    except Exception as e:
        line = getattr(e, "line", None)
        if line and e.args and isinstance(e.args[0], str) and "line " not in e.args[0]:
            e.args = (f"{e.args[0]} (line {line} of the file)",) + e.args[1:]
        raise


class SpecLayer:
    """forward: the reference on params; backward: a fresh submitted layer given the same params.

    A stochastic reference's rng is this layer's: the checker holds its first draw fixed, which is the draw a
    fresh submitted layer built with the same seed makes in its one forward. The mode, when set, is both's.
    """

    def __init__(self, make, reference):
        self.make, self.reference = make, reference
        self.params = {name: reference.params[name] for name in reference.params}  # the lists the reference reads
        self.grads, self.x, self.mode = {}, None, None

    @property
    def training(self):
        return self.reference.training

    @training.setter
    def training(self, value):
        self.reference.training = self.mode = value

    @property
    def rng(self):
        """The reference's generator (a stochastic layer's), which the checker holds fixed; None for the others."""
        return getattr(self.reference, "rng", None)

    def forward(self, x):
        self.x = nested.copy(x)
        return self.reference.forward(x)

    def backward(self, dy):
        layer = self.make()
        if self.mode is not None:
            layer.training = self.mode
        for name, values in self.params.items():
            mirror(layer.params[name], values)  # in place: params are read at call time
        located(layer.forward, nested.copy(self.x))
        dx = located(layer.backward, nested.copy(dy))
        self.grads = layer.grads
        return dx


class SpecLoss:
    """forward: the reference's L; backward: a fresh submitted loss's first forward, then its backward."""

    def __init__(self, make, reference):
        self.make, self.reference, self.args = make, reference, None

    def forward(self, y_pred, y_true):
        self.args = nested.copy(y_pred), nested.copy(y_true)
        return self.reference.forward(y_pred, y_true)

    def backward(self):
        loss = self.make()
        located(loss.forward, *nested.copy(list(self.args)))
        return located(loss.backward)


class FirstBackward(LayerSubject):
    """A layer subject whose analytic gradient is the first backward after one forward: no probes."""

    def probe(self, findings):
        guard = probes.Guard(findings)
        self.x_other = earlier_point(self.x)
        self.y = self.output(self.call(guard.give("x", self.x)), guard)
        self.dy = nested.gaussian(self.rng, nested.shape(self.y))
        self.rows, self.width = len(self.x), len(self.y[0])
        self.analytic = first_backward(lambda: self.backward(guard), "a list of rows of the shape of x")


class FirstLossBackward(LossSubject):
    """A loss subject whose analytic gradient is the first backward after one forward: no probes."""

    def probe(self, findings):
        guard = probes.Guard(findings)
        self.y_other = earlier_point(self.y_pred)
        self.call(guard, self.y_pred)
        self.rows, self.width = len(self.y_pred), len(self.y_pred[0])
        self.analytic = first_backward(lambda: self.backward(guard), "a list of rows of the shape of y_pred")


def first_backward(call, wanted):
    """call(); an answer that is no nested list of numbers (a tuple, a string) stops the check with "shape"."""
    try:
        return call()
    except Exception as e:  # the child names a value it cannot send InvalidValue (checks/grading/wire.py)
        if type(e).__name__ != "InvalidValue":
            raise
        raise Stop("shape", f"backward: {e}", f"backward gave {e}; it must return {wanted}, and grads must hold "
                                              "lists of the shapes of params; reread specs/protocol.md, "
                                              "\"Layers\"") from None


def spec_report(component, implementation, point, seed, prepare):
    """The GradReport of the submission's backward against the spec's forward at point.

    prepare(submitted, reference) gives both the same params (or returns why it cannot: a message)."""
    report = GradReport(component.name, kind=component.kind)
    make = lambda: component.build(implementation)  # noqa: E731
    reference = component.build(component.reference)
    if component.kind == LAYER:
        problem = prepare(make(), reference)
        if problem:
            report.problem, report.diagnosis, report.evidence = problem, "shape", problem
            return report
        subject = FirstBackward(Counted(SpecLayer(make, reference), report.calls), point, seed, report.spec)
    else:
        subject = FirstLossBackward(Counted(SpecLoss(make, reference), report.calls), *point, report.spec)
    return run_check(subject, report, False, DIRECTIONS, seed)


def spec_reports(component, implementation, prepare, count=2):
    """count spec gradient reports of the variant component, at its seeded points."""
    return [spec_report(component, implementation, component.points(random.Random(seed)), seed, prepare)
            for seed in range(count)]


def gradient(ctx):
    """The submission's backward against finite differences of the spec's forward, at both variants."""
    reports = spec_gradient(ctx)
    failing = [r for r in reports if not r.passed]
    if failing and small(failing) and analytic(reports) != analytic(spec_gradient(ctx)):
        return Verdict(True, f"gradients match finite differences of the spec's forward at {len(reports)} points, "
                             f"up to numbers that change call to call (the determinism check charges that)")
    if not failing:
        worst = max(r.worst_relative_error for r in reports)
        return Verdict(True, f"gradients match finite differences of the spec's forward at {len(reports)} points "
                             f"(worst relative error {worst:.1e})")
    entries = [e for r in reports for b in r.blocks for e in b.entries]
    if entries and not any(e.analytic for e in entries):
        ctx.degenerate.append("all-zero gradient")
    note = consistent_note(ctx)
    return Verdict(False, failing[0].message() + (f"\n  {note}" if note else ""), diagnosis=failing[0].diagnosis,
                   reread=f"{ctx.spec}, section \"Partial derivatives\"")


def spec_gradient(ctx):
    """The spec gradient reports at both variants, POINTS each, with params drawn from the grading's seed."""
    reports = []
    for variant in ctx.variants:
        rng = random.Random(f"gradient params {ctx.seed}")
        prepare = lambda layer, reference: copy_params(layer, reference, rng)  # noqa: E731
        reports += spec_reports(variant.component, ctx.implementation, prepare, POINTS)
    return reports


def small(failing):
    """Whether every failing block is within the "uncomfortable" band (relative error under NOISE): what numbers that
    change from call to call can explain, when a second run gives other analytic numbers."""
    return not any(r.problem or any(b.problem or b.relative_error >= NOISE for b in r.blocks) for r in failing)


def analytic(reports):
    return [e.analytic for r in reports for b in r.blocks for e in b.entries]


def consistent_note(ctx):
    """A sentence when backward is right for the submission's own forward, which then must be what is wrong."""
    try:
        own = ctx.own_reports()
    except Exception:  # the submission's forward may raise: nothing to say then
        return None
    if own and all(r.passed for r in own):
        return ("Your backward is right for your own forward, but your forward does not follow the spec: fix "
                "forward first (see the forward check).")
    return None


def consistency(ctx):
    """backward agrees with finite differences of the submission's own forward (what a learner can check alone)."""
    own = ctx.own_reports()
    failing = [r for r in own if not r.passed]
    if failing:
        return Verdict(False, failing[0].message(), diagnosis=failing[0].diagnosis,
                       reread=f"{ctx.spec}, section \"Partial derivatives\"")
    return Verdict(True, f"backward agrees with finite differences of this forward at {len(own)} points")
