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
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass

from hypothesis import Phase, settings

from checks import baseline, descent
from checks.components import LAYER, LOSS, OPTIMIZER
from checks.grading import draws
from checks.grading.against_spec import spec_reports
from checks.grading.agreement import copy_params, degenerate, error_text, layer_agreement, loss_agreement
from checks.grading.insulated import insulated
from checks.properties import run, suite
from checks.suite import gradient_reports

SHRINK = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
NOISE = 1e-2  # a relative error below this, from numbers that change call to call, is the determinism rule's
POINTS = 2  # forward batches and gradient-check points per drawn variant
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
           "consistency": LAYERS_AND_LOSSES, **{name: LAYERS_AND_LOSSES for name in RULES},
           "properties": (LAYER, LOSS, OPTIMIZER), "convention": LAYERS_AND_LOSSES,
           "training": (LAYER, LOSS, OPTIMIZER), "baseline": (LAYER, LOSS, OPTIMIZER)}
AGREES = ("forward", "value", "gradient")  # what the checks below count on: agreement with the spec
DEPENDS = {  # check -> the checks that must pass for it to count (those of them the rubric runs)
    **{name: AGREES for name in RULES}, "properties": AGREES, "convention": AGREES, "training": AGREES,
    "baseline": AGREES}
NOT_COUNTED = {"forward": "forward does not match the spec", "value": "forward does not match the spec",
               "gradient": "the gradient does not match the spec"}


def applies(name, component):
    """Whether the check name grades a component of this kind (every check, when the component is not known yet)."""
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


@dataclass
class Verdict:
    """What one check found: passed or not, a message, and for partial credit the share earned."""

    passed: bool
    message: str
    fraction: float = None
    diagnosis: str = None
    reread: str = None


class Context:
    """The component's drawn variants, the implementation under test, and what the checks have found so far."""

    def __init__(self, component, implementation, examples=20, epochs=1, chosen=None, seed=0):
        self.variants = draws.variants(component, seed)
        self.component = self.variants[0].component
        self.implementation, self.examples, self.epochs, self.seed = implementation, examples, epochs, seed
        self.own = None  # GradReports of the consistency check (backward against the submission's forward)
        self.jitters = None  # whether the same call gives other numbers, once a rule check asked
        self.breaches = set()  # the codes of the protocol rules the rule checks found broken
        self.degenerate = []  # "identity", "constant output", "all-zero gradient": what the report names
        self.chosen = chosen  # the names of the properties a course step grades; None: every one
        try:
            self.suite = [p for p in suite(component.name) if p.__name__ not in IN_PROCESS_ONLY]
        except (ImportError, AttributeError):
            self.suite = []

    @property
    def spec(self):
        return f"specs/{self.component.name}.md"

    @property
    def mended(self):
        """The implementation with the breaches found so far mended, for the checks after the rules."""
        return insulated(self.implementation, self.breaches)

    def run_properties(self, properties, implementation=None):
        """Outcomes of properties at both variants (half the examples each); a property holds if it holds at both."""
        implementation = implementation or self.implementation
        with examples(max(1, math.ceil(self.examples / len(self.variants)))):
            found = [[run(prop, v.checked.subject(implementation)) for prop in properties] for v in self.variants]
        return [next((o for o in outcomes if not o.passed), outcomes[0]) for outcomes in zip(*found)]

    def own_reports(self):
        """The gradient check of the submission against its own forward, with the protocol probes (computed once)."""
        if self.own is None:
            self.own = gradient_reports(self.component, self.implementation)
        return self.own

    def nondeterministic(self):
        """Whether the same call gives other numbers (the determinism rule's property fails; computed once)."""
        if self.jitters is None:
            outcomes = self.run_properties([p for p in self.suite if p.__name__ in RULES["determinism"][0]])
            self.jitters = any(not o.passed for o in outcomes)
        return self.jitters

    def findings(self, codes):
        """(code, evidence) of the first consistency report that found one of codes, or None."""
        for report in self.own or []:
            for finding in report.findings:
                if finding.code in codes:
                    return finding.code, finding.sentence
            if report.diagnosis in codes:
                return report.diagnosis, report.evidence
        return None


@contextmanager
def examples(count):
    """Run hypothesis with count examples per property, on top of the current profile, shrinking a failing input
    so that a report shows the smallest one it found."""
    previous = settings.get_current_profile_name()
    settings.register_profile("grading", parent=settings.get_profile(previous), max_examples=count, phases=SHRINK)
    settings.load_profile("grading")
    try:
        yield
    finally:
        settings.load_profile(previous)


def forward(ctx):
    """Output shape and values against the reference on the same parameters and inputs, at both variants."""
    seen, problems = [], []  # every batch is tried, so that a degenerate output shows in all of them
    for variant in ctx.variants:
        component = variant.component
        for seed in range(POINTS):
            point, rng = component.points(random.Random(seed)), random.Random(f"params {ctx.seed} {seed}")
            problem = layer_agreement(component, ctx.implementation, point, rng, seen) if component.kind == LAYER \
                else loss_agreement(component, ctx.implementation, point, seen)
            if problem:
                problems.append(f"{problem} [{variant.described}]")
    if problems:
        kind = degenerate(seen)
        if kind:
            ctx.degenerate.append(kind)
        named = f" (forward looks degenerate: {DEGENERATE[kind]})" if kind else ""
        return Verdict(False, problems[0] + named, reread=f"{ctx.spec}, section \"Definition\"")
    what = "the value L agrees" if ctx.component.kind == LOSS else "forward agrees"
    shown = "; ".join(v.described for v in ctx.variants)
    return Verdict(True, f"{what} with the spec on {POINTS * len(ctx.variants)} batches ({shown}), shapes included")


DEGENERATE = {"identity": "it returns its input unchanged",
              "constant output": "its output does not depend on its input",
              "all-zero gradient": "backward returns only zeros"}


def value(ctx):
    """forward alone agrees with the reference: a layer's y, a loss's L (backward is never called)."""
    return forward(ctx)


def gradient(ctx):
    """The submission's backward against finite differences of the spec's forward, at both variants; for an
    optimizer, the descent check."""
    if ctx.component.kind == OPTIMIZER:
        return descends(ctx)
    reports = spec_gradient(ctx)
    failing = [r for r in reports if not r.passed]
    if failing and noise_only(reports, spec_gradient(ctx)):
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


def noise_only(reports, again):
    """Whether the failures are a nondeterministic backward's small noise: every failing block is within the
    "uncomfortable" band (relative error under NOISE) and a second run gives other analytic numbers."""
    failing = [r for r in reports if not r.passed]
    if any(r.problem or any(b.problem or b.relative_error >= NOISE for b in r.blocks) for r in failing):
        return False
    return analytic(reports) != analytic(again)


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
    """One epoch of the baseline model on the bike data lowers the training loss: the loss-reduction check."""
    t = baseline.first_epoch(ctx.component, ctx.mended)
    if t.passed:
        return Verdict(True, f"one epoch with this {ctx.component.class_name} lowered the training {t.metric} from "
                             f"{t.before:.4f} to {t.after:.4f}, on {baseline.data_summary()}")
    what = t.message or (f"one epoch with this {ctx.component.class_name} took the training {t.metric} from "
                         f"{t.before:.4f} to {t.after:.4f}; it must fall (is a sign flipped, or the step far too long?)")
    return Verdict(False, f"{what}; the data: {baseline.data_summary()}", reread=f"{ctx.spec}, section \"Definition\"")


def beats_the_mean(ctx):
    """A small model with the submitted class, trained on the bike data, beats predicting the mean."""
    b = baseline.run(ctx.component, ctx.mended, ctx.epochs)
    scores = f"held-out {b.metric} {b.model_score:.4f}, predicting the mean {b.baseline_score:.4f}"
    if b.passed:
        return Verdict(True, f"the model with this {ctx.component.class_name} beats the mean: {scores}")
    why = b.message or f"the model must score at most {baseline.MARGIN:.0%} of the mean's {b.metric}"
    section = "Definition" if ctx.component.kind == OPTIMIZER else "Partial derivatives"
    return Verdict(False, f"{why}; {scores}", reread=f"{ctx.spec}, section \"{section}\"")


CHECKS = {"forward": forward, "value": value, "gradient": gradient, "consistency": consistency,
          **{name: rule(name) for name in RULES}, "properties": properties, "convention": convention,
          "training": training, "baseline": beats_the_mean}
