"""The checks of a graded submission, run in the grader on proxies of the submitted class.

Each check takes a Context (the component's two drawn variants, the
implementation, what earlier checks found) and returns a Verdict. What is
graded is agreement with the spec, never only agreement of a submission
with itself:

- forward: the output's shape and values against the reference's forward on
  the same parameters and inputs (a loss: its value L), at two drawn
  variants (checks/grading/draws.py); value is the same check, for a course
  step taught before derivatives;
- gradient: the submission's backward against finite differences of the
  reference's forward (checks/grading/against_spec.py), with the checker's
  diagnosis; for an optimizer, the descent check of checks/descent.py;
- consistency (0 points by default): backward against finite differences of
  the submission's own forward, the check a learner runs on their own;
- overwrite, fresh-cache, no-mutation, determinism, stability: the protocol
  rules, each from its properties (checks/properties/layers.py, losses.py),
  or from the probes of the consistency check where no property exists;
- evaluation: a layer with modes (MODES) trained on a few batches, then
  forward and backward in evaluation, against the reference on the same
  params and batches;
- properties: every other property of the component's suite, except those
  that pin the spec's derivative at a kink (any subgradient is right there);
- convention: those, for a course that wants the spec's convention graded;
- training: one epoch of the baseline model on the bike data lowers the
  training loss (checks.baseline.first_epoch);
- baseline: checks.baseline.run with the submitted class in the model.

Checks depend on each other (DEPENDS): a check counts only when the checks it
depends on passed; grade.py scores it 0, "not counted", and says why. The
properties, training and baseline see the submission with the breaches the
rule checks found mended (insulated.py), so each breach costs one rule.
"""
import random

from checks import baseline, descent, nested
from checks.components import COMPONENTS, LAYER, LOSS, OPTIMIZER
from checks.grading import against_spec
from checks.grading.agreement import compare, copy_params, error_text, forward, value
from checks.grading.context import DETERMINISM, Verdict

RULES = {  # check -> (its properties, the gradient checker's codes for it, the protocol rule, what it says)
    "overwrite": (("backward_overwrites_grads",), ("accumulates",), 1,
                  "backward overwrites grads and gives the same numbers when called again"),
    "fresh-cache": (("backward_uses_the_latest_forward",), ("stale-cache",), 1,
                    "backward uses what the latest forward kept, not an older batch"),
    "no-mutation": (("arguments_are_not_modified",), ("mutates-input",), 3,
                    "forward and backward leave the lists they are given unchanged"),
    "determinism": (DETERMINISM, ("nondeterministic",), 4,
                    "the same call gives the same numbers"),
    "stability": (("extreme_inputs_stay_finite", "stays_finite_at_p_exactly_0_and_1",
                   "stays_finite_for_logits_of_magnitude_1e4"), ("unstable",), 5,
                  "outputs and gradients stay finite at inputs of magnitude 1e4"),
}
RULE_PROPERTIES = {name for props, _, _, _ in RULES.values() for name in props}
CONVENTIONS = {  # properties that pin the spec's choice at a kink, where any subgradient is a right answer
    "derivative_is_1_above_0_and_0_at_and_below_the_kink", "derivative_is_1_above_0_and_alpha_at_and_below_0",
    "a_tie_sends_dy_to_the_first_maximum_alone"}
LAYERS_AND_LOSSES = (LAYER, LOSS)
APPLIES = {"forward": LAYERS_AND_LOSSES, "value": LAYERS_AND_LOSSES, "gradient": (LAYER, LOSS, OPTIMIZER),
           "consistency": LAYERS_AND_LOSSES, **{name: LAYERS_AND_LOSSES for name in RULES},
           "evaluation": (LAYER,), "properties": (LAYER, LOSS, OPTIMIZER), "convention": LAYERS_AND_LOSSES,
           "training": (LAYER, LOSS, OPTIMIZER), "baseline": (LAYER, LOSS, OPTIMIZER)}
AGREES = ("forward", "value", "gradient")  # what the checks below count on: agreement with the spec
DEPENDS = {  # check -> the checks that must pass for it to count (those of them the rubric runs)
    **{name: AGREES for name in RULES}, "evaluation": AGREES, "properties": AGREES, "convention": AGREES,
    "training": AGREES, "baseline": AGREES}
NOT_COUNTED = {"forward": "forward does not match the spec", "value": "forward does not match the spec",
               "gradient": "the gradient does not match the spec"}


# The layers whose evaluation mode computes something else: the reference's own layers that keep a mode
# (specs/protocol.md, "Modes"); a network only passes its mode on, and is graded through its layers.
MODES = tuple(name for name, c in COMPONENTS.items()
              if c.kind == LAYER and not c.network and hasattr(c.build(c.reference), "training"))
TRAINING_FORWARDS = 3  # training forwards before the evaluation check: enough to move BatchNorm's running statistics


def applies(name, component):
    """Whether the check name grades a component of this kind (every check, when the component is not known yet)."""
    if name == "evaluation" and component is not None:
        return component.name in MODES
    return component is None or component.kind in APPLIES[name]


def not_counted(name, verdicts, component):
    """Why the check name does not count (one line), or None when the checks it depends on passed."""
    for before in DEPENDS.get(name, ()):
        verdict = verdicts.get(before)
        if verdict is not None and not verdict.passed:
            why = "the descent check failed" if before == "gradient" and component.kind == OPTIMIZER else \
                NOT_COUNTED[before]
            unfinished = " (not implemented yet)" if verdict.message.startswith("not implemented yet") else ""
            return f"not counted: {why}{unfinished}"
    return None


def gradient(ctx):
    """The gradient against the spec (against_spec.py); for an optimizer, the descent check."""
    return descends(ctx) if ctx.component.kind == OPTIMIZER else against_spec.gradient(ctx)


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
    """The check of one protocol rule: its properties hold (or, where it has none, the probes found nothing)."""
    properties, codes, number, sentence = RULES[name]

    def check(ctx):
        reread = f"specs/protocol.md, section \"Layers\", rule {number}"
        outcomes = ctx.run_properties([p for p in ctx.suite if p.__name__ in properties])
        if not outcomes and not probed(ctx.own_reports()):  # the probes are this rule's only evidence
            problem = next((r.problem for r in ctx.own if r.problem), "the probes did not run")
            return Verdict(False, f"rule {number} could not be checked: {problem}", reread=reread)
        found = ctx.findings(codes)
        failing = [o for o in outcomes if not o.passed]
        if (failing or found) and name != "determinism" and ctx.nondeterministic():
            return Verdict(True, f"{sentence}, as far as numbers that change from call to call let it be judged "
                                 "(the determinism check charges those)")
        if failing or found:
            ctx.breaches.update(codes)
        if failing:
            o = failing[0]
            return Verdict(False, f"property '{o.name}' ({o.rule}): {o.message}",
                           diagnosis=found[0] if found else codes[0], reread=reread)
        if found:
            return Verdict(False, found[1], diagnosis=found[0], reread=reread)
        return Verdict(True, sentence)

    check.__name__ = name
    return check


def evaluation(ctx):
    """After training forwards, forward and backward in evaluation mode agree with the reference's."""
    for variant in ctx.variants:
        problem = evaluated(variant.component, ctx.implementation, random.Random(f"evaluation {ctx.seed}"))
        if problem:
            return Verdict(False, f"{problem} (after {TRAINING_FORWARDS} forwards in training mode, then training = "
                                  f"False; is the mode read in forward?)", reread=f"{ctx.spec}, sections "
                                                                               "\"Definition\" and \"Conventions\"")
    return Verdict(True, f"after {TRAINING_FORWARDS} training forwards, evaluation mode follows the spec")


def evaluated(component, implementation, rng):
    """None when the submitted layer, trained on a few batches beside the reference, then set to evaluation,
    gives the reference's y and dx; else the first difference."""
    batches = [component.points(rng) for _ in range(TRAINING_FORWARDS + 1)]
    try:
        layer, reference = component.build(implementation), component.build(component.reference)
        problem = copy_params(layer, reference, rng)
        if problem:
            return problem
        for x in batches[:-1]:
            layer.forward(nested.copy(x))
            reference.forward(nested.copy(x))
        layer.training = reference.training = False
        y, wanted = layer.forward(nested.copy(batches[-1])), reference.forward(nested.copy(batches[-1]))
        dy = nested.gaussian(rng, nested.shape(wanted))
        found, expected = layer.backward(nested.copy(dy)), reference.backward(nested.copy(dy))
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, in training forwards or in evaluation"
    where = "x in evaluation mode"
    return compare("forward(x)", y, wanted, where) or \
        compare("backward(dy)", found, expected, where)


def properties(ctx):
    """The component's own invariants; the points are split evenly over them."""
    chosen = [p for p in ctx.suite if p.__name__ not in RULE_PROPERTIES | CONVENTIONS
              and (ctx.chosen is None or p.__name__ in ctx.chosen)]
    outcomes = ctx.run_properties(chosen, ctx.mended)
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
    outcomes = ctx.run_properties([p for p in ctx.suite if p.__name__ in CONVENTIONS], ctx.mended)
    failing = [o for o in outcomes if not o.passed]
    if failing:
        o = failing[0]
        return Verdict(False, f"property '{o.name}' ({o.rule}): {o.message}", reread=f"{ctx.spec}, section "
                                                                                       "\"Conventions\"")
    return Verdict(True, "the derivative at the kink follows the spec" if outcomes else "there is no kink")


def training(ctx):
    """One epoch of the baseline model on its task's data lowers the training loss: the loss-reduction check."""
    t = baseline.first_epoch(ctx.component, ctx.mended)
    data = baseline.data_summary(ctx.component.task)
    if t.passed:
        return Verdict(True, f"one epoch with this {ctx.component.class_name} lowered the training {t.metric} from "
                             f"{t.before:.4f} to {t.after:.4f}, on {data}")
    what = t.message or (f"one epoch with this {ctx.component.class_name} took the training {t.metric} from "
                         f"{t.before:.4f} to {t.after:.4f}; it must fall (is a sign flipped, or the step far too long?)")
    return Verdict(False, f"{what}; the data: {data}", reread=f"{ctx.spec}, section \"Definition\"")


def beats_the_mean(ctx):
    """A small model with the submitted class, trained on its task's data, beats predicting a constant (the mean or
    the prior)."""
    b = baseline.run(ctx.component, ctx.mended, ctx.epochs)
    constant = baseline.TASKS[ctx.component.task].constant_name
    scores = f"held-out {b.metric} {b.model_score:.4f}, predicting {constant} {b.baseline_score:.4f}"
    if b.passed:
        return Verdict(True, f"the model with this {ctx.component.class_name} beats {constant}: {scores}")
    why = b.message or f"the model must score at most {baseline.MARGIN:.0%} of {constant}'s {b.metric}"
    section = "Definition" if ctx.component.kind == OPTIMIZER else "Partial derivatives"
    return Verdict(False, f"{why}; {scores}", reread=f"{ctx.spec}, section \"{section}\"")


CHECKS = {"forward": forward, "value": value, "gradient": gradient, "consistency": against_spec.consistency,
          **{name: rule(name) for name in RULES}, "evaluation": evaluation, "properties": properties,
          "convention": convention,
          "training": training, "baseline": beats_the_mean}
