"""The checks of a graded submission, run in the grader on proxies of the submitted class.

Each check takes a Context (the component, the implementation, what earlier
checks found) and returns a Verdict. They reuse the project's checkers
unchanged, since the proxies follow the protocol:

- forward: the output's shape, and agreement with reference's forward on the
  same parameters (drawn by the grader, written into the submission's own
  lists and copied into a reference instance); for a loss, the value and the
  gradient;
- value: the same without backward (a loss's L alone), for a course step
  taught before derivatives;
- gradient: checks.suite.gradient_reports, with the checker's diagnosis; for
  an optimizer, the descent check of checks/descent.py;
- overwrite, fresh-cache, no-mutation, determinism, stability: the protocol
  rules, each from its properties (checks/properties/layers.py, losses.py)
  and from the gradient reports' probe findings with the matching code;
- properties: every other property of the component's suite, except those
  that pin the spec's derivative at a kink (any subgradient is right there);
- convention: those, for a course that wants the spec's convention graded
  (0 points by default);
- training: one epoch of the baseline model on the bike data lowers the
  training loss (checks.baseline.first_epoch);
- baseline: checks.baseline.run with the submitted class in the model (for
  ctx.epochs epochs).

Each check applies to some kinds of component (APPLIES): an optimizer has no
forward and no protocol rules of a layer, only its descent check, its
properties and its training.
"""
import random
from contextlib import contextmanager
from dataclasses import dataclass

from hypothesis import settings

from checks import baseline, descent
from checks.components import LAYER, LOSS, OPTIMIZER
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
IN_PROCESS_ONLY = {  # properties that ask whether the network's params are the grader's own layer lists, or how its
    #                  params mapping answers for absent keys: the proxy's plain dicts hide both
    "a_network_inside_a_network_names_entries_index_dot_index_dot_name", "params_and_grads_act_as_dicts"}
LAYERS_AND_LOSSES = (LAYER, LOSS)
APPLIES = {"forward": LAYERS_AND_LOSSES, "value": LAYERS_AND_LOSSES, "gradient": (LAYER, LOSS, OPTIMIZER),
           **{name: LAYERS_AND_LOSSES for name in RULES}, "properties": (LAYER, LOSS, OPTIMIZER),
           "convention": LAYERS_AND_LOSSES, "training": (LAYER, LOSS, OPTIMIZER), "baseline": (LAYER, LOSS, OPTIMIZER)}


def applies(name, component):
    """Whether the check name grades a component of this kind (every check, when the component is not known yet)."""
    return component is None or component.kind in APPLIES[name]


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

    def __init__(self, component, implementation, examples=20, epochs=1, chosen=None):
        self.component, self.implementation, self.examples, self.epochs = component, implementation, examples, epochs
        self.reports = []  # GradReports of the gradient check, once it ran
        self.chosen = chosen  # the names of the properties a course step grades; None: every one
        try:
            self.suite = [p for p in suite(component.name) if p.__name__ not in IN_PROCESS_ONLY]
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


def forward(ctx, with_backward=True):
    """Output shape and agreement with the reference on the same parameters (a loss: its gradient too)."""
    component = ctx.component
    for seed in SEEDS:
        point = component.points(random.Random(seed))
        if component.kind == LAYER:
            problem = layer_agreement(component, ctx.implementation, point, random.Random(seed))
        else:
            problem = loss_agreement(component, ctx.implementation, point, with_backward)
        if problem:
            return Verdict(False, problem, reread=f"{ctx.spec}, section \"Definition\"")
    what = "forward and backward agree" if component.kind == LOSS and with_backward else "forward agrees"
    return Verdict(True, f"{what} with the reference on {len(SEEDS)} batches, shapes included")


def value(ctx):
    """forward alone agrees with the reference: a layer's y, a loss's L; backward is never called."""
    return forward(ctx, with_backward=False)


def layer_agreement(component, implementation, x, rng):
    """None when the submitted layer's forward(x) equals the reference's with the same params, else why not.

    Both get the same params drawn from rng, written into the submitted layer's own lists (rule 2 of the
    protocol: params are read at call time): a bias still at its initial zeros would hide a missing bias.
    """
    try:
        layer = component.build(implementation)
        reference = component.build(component.reference)
        problem = copy_params(layer, reference, rng)
        if problem:
            return problem
        y = layer.forward(deep_copy(x))
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when building the layer or calling forward on a batch of shape {shape_of(x)}"
    return compare("forward(x)", y, reference.forward(deep_copy(x)), f"x of shape {shape_of(x)}")


def copy_params(layer, reference, rng):
    """Draw new params into the submitted layer's lists and give reference the same; a message when their names
    or shapes differ."""
    names, expected = sorted(layer.params), sorted(reference.params)
    if names != expected:
        return f"params has the keys {names}, but the spec names them {expected}"
    for name in expected:
        found, wanted = shape_of(layer.params[name]), shape_of(reference.params[name])
        if found != wanted:
            return f"params['{name}'] has shape {found}, but the spec gives it shape {wanted} for this layer"
        fill(layer.params[name], rng)
        reference.params[name] = deep_copy(layer.params[name])
    return None


def fill(value, rng):
    """Replace every number of a nested list, in place, by one drawn from rng in [-1, 1]."""
    for i, v in enumerate(value):
        if isinstance(v, list):
            fill(v, rng)
        else:
            value[i] = rng.uniform(-1.0, 1.0)


def loss_agreement(component, implementation, point, with_backward=True):
    """None when the submitted loss gives the reference's value (and gradient) at point, else why not."""
    y_pred, y_true = point
    reference = component.build(component.reference)
    expected, expected_grad = reference.forward(deep_copy(y_pred), deep_copy(y_true)), reference.backward()
    calls = "forward and backward" if with_backward else "forward"
    try:
        loss = component.build(implementation)
        found = loss.forward(deep_copy(y_pred), deep_copy(y_true))
        problem = compare("forward(y_pred, y_true)", found, expected, f"y_pred of shape {shape_of(y_pred)}")
        if problem or not with_backward:
            return problem
        return compare("backward()", loss.backward(), expected_grad, f"y_pred of shape {shape_of(y_pred)}")
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when calling {calls} with y_pred of shape {shape_of(y_pred)}"


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
    """The full gradient check at the component's check points, with the checker's diagnosis; for an optimizer,
    the descent check."""
    if ctx.component.kind == OPTIMIZER:
        return descends(ctx)
    ctx.reports = gradient_reports(ctx.component, ctx.implementation)
    failing = [r for r in ctx.reports if not r.passed]
    if failing:
        return Verdict(False, failing[0].message(), diagnosis=failing[0].diagnosis)
    worst = max(r.worst_relative_error for r in ctx.reports)
    return Verdict(True, f"gradients match finite differences at {len(ctx.reports)} points (worst relative error "
                         f"{worst:.1e})")


def descends(ctx):
    """An optimizer's first small step lowers the loss by lr * sum(g * d), as its spec predicts (checks/descent.py)."""
    reports = descent.descent_reports(ctx.component, ctx.implementation)
    failing = [r for r in reports if not r.passed]
    if failing:
        return Verdict(False, failing[0].message())  # the message ends with the section to reread
    worst = max(reports, key=lambda r: abs(r.ratio - 1.0))
    return Verdict(True, f"a first step of lr = {descent.LR:g} lowered the loss as predicted at {len(reports)} points "
                         f"(measured / predicted drop {worst.ratio:.4f} at worst)")


def probed(reports):
    """Whether the gradient checker's probes ran on the implementation (a report without an exception)."""
    return any(not r.problem for r in reports)


def rule(name):
    """The check of one protocol rule: its properties hold and the gradient probes found nothing against it."""
    properties, codes, number, sentence = RULES[name]

    def check(ctx):
        reread = f"specs/protocol.md, section \"Layers\", rule {number}"
        outcomes = ctx.run_properties([p for p in ctx.suite if p.__name__ in properties])
        if not outcomes and not probed(ctx.reports):  # the gradient checker's probes are this rule's only evidence
            ctx.reports = gradient_reports(ctx.component, ctx.implementation)
            if not probed(ctx.reports):
                problem = next((r.problem for r in ctx.reports if r.problem), "the probes did not run")
                return Verdict(False, f"rule {number} could not be checked: {problem}", reread=reread)
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
    chosen = [p for p in ctx.suite if p.__name__ not in RULE_PROPERTIES | CONVENTIONS
              and (ctx.chosen is None or p.__name__ in ctx.chosen)]
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


def training(ctx):
    """One epoch of the baseline model on the bike data lowers the training loss: the loss-reduction check."""
    t = baseline.first_epoch(ctx.component, ctx.implementation)
    if t.passed:
        return Verdict(True, f"one epoch with this {ctx.component.class_name} lowered the training {t.metric} from "
                             f"{t.before:.4f} to {t.after:.4f}, on {baseline.data_summary()}")
    what = t.message or (f"one epoch with this {ctx.component.class_name} took the training {t.metric} from "
                         f"{t.before:.4f} to {t.after:.4f}; it must fall (is a sign flipped, or the step far too long?)")
    return Verdict(False, f"{what}; the data: {baseline.data_summary()}", reread=f"{ctx.spec}, section \"Definition\"")


def beats_the_mean(ctx):
    """A small model with the submitted class, trained on the bike data, beats predicting the mean."""
    b = baseline.run(ctx.component, ctx.implementation, ctx.epochs)
    scores = f"held-out {b.metric} {b.model_score:.4f}, predicting the mean {b.baseline_score:.4f}"
    if b.passed:
        return Verdict(True, f"the model with this {ctx.component.class_name} beats the mean: {scores}")
    why = b.message or f"the model must score at most {baseline.MARGIN:.0%} of the mean's {b.metric}"
    section = "Definition" if ctx.component.kind == OPTIMIZER else "Partial derivatives"
    return Verdict(False, f"{why}; {scores}", reread=f"{ctx.spec}, section \"{section}\"")


CHECKS = {"forward": forward, "value": value, "gradient": gradient, **{name: rule(name) for name in RULES},
          "properties": properties, "convention": convention, "training": training, "baseline": beats_the_mean}
