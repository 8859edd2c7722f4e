"""The checks of a graded submission, run in the grader on proxies of the submitted class.

Each check takes a Context (the component, the implementation, what earlier
checks found) and returns a Verdict. They reuse the project's checkers
unchanged, since the proxies follow the protocol:

- forward: the output's shape, and agreement with reference's forward on the
  same parameters (the submission's own, copied into a reference instance);
  for a loss, the value and the gradient;
- gradient: checks.suite.gradient_reports, with the checker's diagnosis;
- overwrite, fresh-cache, no-mutation, determinism, stability: the protocol
  rules, each from its properties (checks/properties/layers.py, losses.py)
  and from the gradient reports' probe findings with the matching code;
- properties: every other property of the component's suite, except those
  that pin the spec's derivative at a kink (any subgradient is right there);
- convention: those, for a course that wants the spec's convention graded
  (0 points by default);
- baseline: checks.baseline.run with the submitted class in the model (for
  ctx.epochs epochs).
"""
import random
from contextlib import contextmanager
from dataclasses import dataclass

from hypothesis import settings

from checks import baseline
from checks.components import LAYER
from checks.finite_differences import deep_copy, shape_of
from checks.properties import at, mismatch, run, suite
from checks.suite import gradient_reports

AGREEMENT = 1e-7  # relative tolerance of forward against the reference
SEEDS = (101, 102, 103)  # the batches of the forward check, drawn like gradient-check points
RULES = {  # check -> (its properties, the gradient checker's codes for it, the protocol rule, what it says)
    "overwrite": (("backward_overwrites_grads",), ("accumulates",), 1,
                  "backward overwrites grads and gives the same numbers when called again"),
    "fresh-cache": (("backward_uses_the_latest_forward",), ("stale-cache",), 1,
                    "backward uses what the latest forward kept, not an older batch"),
    "no-mutation": (("arguments_are_not_modified",), ("mutates-input",), 3,
                    "forward and backward leave the lists they are given unchanged"),
    "determinism": (("same_call_same_numbers",), ("nondeterministic",), 4,
                    "the same call gives the same numbers"),
    "stability": (("extreme_inputs_stay_finite", "stays_finite_at_p_exactly_0_and_1",
                   "stays_finite_for_logits_of_magnitude_1e4"), ("unstable",), 5,
                  "outputs and gradients stay finite at inputs of magnitude 1e4"),
}
RULE_PROPERTIES = {name for props, _, _, _ in RULES.values() for name in props}
CONVENTIONS = {  # properties that pin the spec's choice at a kink, where any subgradient is a right answer
    "derivative_is_1_above_0_and_0_at_and_below_the_kink", "derivative_is_1_above_0_and_alpha_at_and_below_0"}


@dataclass
class Verdict:
    """What one check found: passed or not, a message, and for partial credit the share earned."""

    passed: bool
    message: str
    fraction: float = None
    diagnosis: str = None
    reread: str = None


class Context:
    """The component, the implementation under test, and what the checks have found so far."""

    def __init__(self, component, implementation, examples=20, epochs=1):
        self.component, self.implementation, self.examples, self.epochs = component, implementation, examples, epochs
        self.reports = []  # GradReports of the gradient check, once it ran
        try:
            self.suite = suite(component.name)
        except (ImportError, AttributeError):
            self.suite = []

    @property
    def spec(self):
        return f"specs/{self.component.name}.md"

    def run_properties(self, properties):
        """Outcomes of properties on the implementation, with the grading number of hypothesis examples."""
        subject = self.component.subject(self.implementation)
        with examples(self.examples):
            return [run(prop, subject) for prop in properties]

    def findings(self, codes):
        """(code, evidence) of the first gradient report that found one of codes, or None."""
        for report in self.reports:
            for finding in report.findings:
                if finding.code in codes:
                    return finding.code, finding.sentence
            if report.diagnosis in codes:
                return report.diagnosis, report.evidence
        return None


@contextmanager
def examples(count):
    """Run hypothesis with count examples per property, on top of the current profile."""
    previous = settings.get_current_profile_name()
    settings.register_profile("grading", parent=settings.get_profile(previous), max_examples=count)
    settings.load_profile("grading")
    try:
        yield
    finally:
        settings.load_profile(previous)


def error_text(e):
    """An exception from the submission, for a message: its type, message and line in the file."""
    line = getattr(e, "line", None)
    return f"{type(e).__name__}: {e}" + (f" (line {line} of the file)" if line else "")


def forward(ctx):
    """Output shape and agreement with the reference on the same parameters."""
    component = ctx.component
    agree = layer_agreement if component.kind == LAYER else loss_agreement
    for seed in SEEDS:
        problem = agree(component, ctx.implementation, component.points(random.Random(seed)))
        if problem:
            return Verdict(False, problem, reread=f"{ctx.spec}, section \"Definition\"")
    what = "forward agrees" if component.kind == LAYER else "forward and backward agree"
    return Verdict(True, f"{what} with the reference on {len(SEEDS)} batches, shapes included")


def layer_agreement(component, implementation, x):
    """None when the submitted layer's forward(x) equals the reference's with the same params, else why not."""
    try:
        layer = component.build(implementation)
        reference = component.build(component.reference)
        problem = copy_params(layer, reference)
        if problem:
            return problem
        y = layer.forward(deep_copy(x))
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when building the layer or calling forward on a batch of shape {shape_of(x)}"
    return compare("forward(x)", y, reference.forward(deep_copy(x)), f"x of shape {shape_of(x)}")


def copy_params(layer, reference):
    """Give reference the submitted layer's params; a message when their names or shapes differ."""
    names, expected = sorted(layer.params), sorted(reference.params)
    if names != expected:
        return f"params has the keys {names}, but the spec names them {expected}"
    for name in expected:
        found, wanted = shape_of(layer.params[name]), shape_of(reference.params[name])
        if found != wanted:
            return f"params['{name}'] has shape {found}, but the spec gives it shape {wanted} for this layer"
        reference.params[name] = deep_copy(layer.params[name])
    return None


def loss_agreement(component, implementation, point):
    """None when the submitted loss gives the reference's value and gradient at point, else why not."""
    y_pred, y_true = point
    reference = component.build(component.reference)
    expected, expected_grad = reference.forward(deep_copy(y_pred), deep_copy(y_true)), reference.backward()
    try:
        loss = component.build(implementation)
        value = loss.forward(deep_copy(y_pred), deep_copy(y_true))
        problem = compare("forward(y_pred, y_true)", value, expected, f"y_pred of shape {shape_of(y_pred)}")
        return problem or compare("backward()", loss.backward(), expected_grad, f"y_pred of shape {shape_of(y_pred)}")
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when calling forward and backward with y_pred of shape {shape_of(y_pred)}"


def compare(call, got, expected, where):
    """None when got matches expected (shape and values), else a sentence naming the first difference."""
    if isinstance(expected, list) and shape_of(got) != shape_of(expected):
        found = shape_of(got) or f"no matrix shape ({str(got)[:40]})"
        return f"{call} returned shape {found} for {where}; it must have shape {shape_of(expected)}"
    index = mismatch(got, expected, AGREEMENT)
    if index is None:
        return None
    entry = "".join(f"[{i}]" for i in index)
    return (f"{call}{entry} is {at(got, index)!r}, but the spec gives {at(expected, index)!r} for the same {where} "
            f"and parameters")


def gradient(ctx):
    """The full gradient check at the component's check points, with the checker's diagnosis."""
    ctx.reports = gradient_reports(ctx.component, ctx.implementation)
    failing = [r for r in ctx.reports if not r.passed]
    if failing:
        return Verdict(False, failing[0].message(), diagnosis=failing[0].diagnosis)
    worst = max(r.worst_relative_error for r in ctx.reports)
    return Verdict(True, f"gradients match finite differences at {len(ctx.reports)} points (worst relative error "
                         f"{worst:.1e})")


def rule(name):
    """The check of one protocol rule: its properties hold and the gradient probes found nothing against it."""
    properties, codes, number, sentence = RULES[name]

    def check(ctx):
        reread = f"specs/protocol.md, section \"Layers\", rule {number}"
        outcomes = ctx.run_properties([p for p in ctx.suite if p.__name__ in properties])
        found = ctx.findings(codes)
        failing = [o for o in outcomes if not o.passed]
        if failing:
            o = failing[0]
            return Verdict(False, f"property '{o.name}' ({o.rule}): {o.message}", diagnosis=found and found[0],
                           reread=reread)
        if found:
            return Verdict(False, found[1], diagnosis=found[0], reread=reread)
        return Verdict(True, sentence)

    check.__name__ = name
    return check


def properties(ctx):
    """The component's own invariants; the points are split evenly over them."""
    chosen = [p for p in ctx.suite if p.__name__ not in RULE_PROPERTIES | CONVENTIONS]
    outcomes = ctx.run_properties(chosen)
    failing = [o for o in outcomes if not o.passed]
    if not failing:
        return Verdict(True, f"all {len(outcomes)} properties hold", fraction=1.0)
    lines = [f"{len(outcomes) - len(failing)} of {len(outcomes)} properties hold."]
    lines += [f"property '{o.name}' ({o.rule}): {o.message}" for o in failing[:3]]
    if len(failing) > 3:
        lines.append(f"... and {len(failing) - 3} more")
    return Verdict(False, "\n".join(lines), fraction=(len(outcomes) - len(failing)) / len(outcomes),
                   reread=f"{ctx.spec}, sections \"Definition\" and \"Conventions\"")


def convention(ctx):
    """The spec's derivative at the kink (ReLU'(0) = 0, LeakyReLU'(0) = alpha), for a course that grades it."""
    outcomes = ctx.run_properties([p for p in ctx.suite if p.__name__ in CONVENTIONS])
    failing = [o for o in outcomes if not o.passed]
    if failing:
        o = failing[0]
        return Verdict(False, f"property '{o.name}' ({o.rule}): {o.message}", reread=f"{ctx.spec}, section "
                                                                                       "\"Conventions\"")
    return Verdict(True, "the derivative at the kink follows the spec" if outcomes else "there is no kink")


def beats_the_mean(ctx):
    """A small model with the submitted class, trained on the bike data, beats predicting the mean."""
    b = baseline.run(ctx.component, ctx.implementation, ctx.epochs)
    scores = f"held-out {b.metric} {b.model_score:.4f}, predicting the mean {b.baseline_score:.4f}"
    if b.passed:
        return Verdict(True, f"the model with this {ctx.component.class_name} beats the mean: {scores}")
    why = b.message or f"the model must score at most {baseline.MARGIN:.0%} of the mean's {b.metric}"
    return Verdict(False, f"{why}; {scores}", reread=f"{ctx.spec}, section \"Partial derivatives\"")


CHECKS = {"forward": forward, "gradient": gradient, **{name: rule(name) for name in RULES},
          "properties": properties, "convention": convention, "baseline": beats_the_mean}
