"""The checks of optimizers, schedules and weight decay pass on reference/ and fail, with the right words,
on planted wrong implementations: the descent check, the penalty gradient check, the property suites,
the baselines and the make check table."""
import dataclasses
import math

import pytest
from hypothesis import Phase, settings

import reference
from checks import baseline, completeness, descent, suite
from checks.components import COMPONENTS
from checks.properties import run
from checks.properties import suite as property_suite
from reference import schedules
from reference.parameters import rows, zeros_like


# Planted optimizers -----------------------------------------------------------------------------------------

class SGDSignFlip(reference.SGD):
    """p <- p + lr g: climbs the loss."""

    def step(self, params, grads):
        for name, p in params.items():
            for p_row, g_row in rows(p, grads[name]):
                for j, g in enumerate(g_row):
                    p_row[j] += self.lr * g


class SGDWithoutLr(reference.SGD):
    """p <- p - g: the learning rate is forgotten."""

    def step(self, params, grads):
        for name, p in params.items():
            for p_row, g_row in rows(p, grads[name]):
                for j, g in enumerate(g_row):
                    p_row[j] -= g


class SGDReplacesLists(reference.SGD):
    """params[name] = a new list: the layer that owns the old list never sees the update."""

    def step(self, params, grads):
        for name in list(params):
            p, g = params[name], grads[name]
            params[name] = ([[a - self.lr * b for a, b in zip(r, s)] for r, s in zip(p, g)]
                            if isinstance(p[0], list) else [a - self.lr * b for a, b in zip(p, g)])


class SGDCopiesLr(reference.SGD):
    """Reads the rate it was built with, not the lr attribute a schedule sets."""

    def __init__(self, lr):
        super().__init__(lr)
        self.rate = lr

    def step(self, params, grads):
        lr, self.lr = self.lr, self.rate
        super().step(params, grads)
        self.lr = lr


class MomentumForgetsVelocity(reference.Momentum):
    """v <- g at every step: the velocity is not carried over, so this is plain gradient descent."""

    def step(self, params, grads):
        self.velocity = {}
        super().step(params, grads)


class MomentumSharedVelocity(reference.Momentum):
    """One velocity for every parameter of the same shape: state is keyed by shape, not by name."""

    def step(self, params, grads):
        for name, p in params.items():
            key = str((len(p), len(p[0])) if isinstance(p[0], list) else len(p))
            velocity = self.velocity.setdefault(key, zeros_like(p))
            for p_row, g_row, v_row in rows(p, grads[name], velocity):
                for j, g in enumerate(g_row):
                    v_row[j] = self.beta * v_row[j] + g
                    p_row[j] -= self.lr * v_row[j]


class AdamWithoutBiasCorrection(reference.Adam):
    """p <- p - lr m / (sqrt(v) + eps): the first step is about 3.16 lr instead of lr."""

    def step(self, params, grads):
        b1, b2 = self.beta1, self.beta2
        for name, p in params.items():
            if name not in self.m:
                self.m[name], self.v[name] = zeros_like(p), zeros_like(p)
            for p_row, g_row, m_row, v_row in rows(p, grads[name], self.m[name], self.v[name]):
                for j, g in enumerate(g_row):
                    m_row[j] = b1 * m_row[j] + (1.0 - b1) * g
                    v_row[j] = b2 * v_row[j] + (1.0 - b2) * g * g
                    p_row[j] -= self.lr * m_row[j] / (math.sqrt(v_row[j]) + self.eps)


class AdamGlobalStepCount(reference.Adam):
    """One step count for the whole optimizer, so a parameter that joins later gets the wrong bias correction."""

    def step(self, params, grads):
        count = max(self.t.values(), default=0)
        self.t = {name: count for name in set(self.t) | set(params)}
        for name, p in params.items():
            if name not in self.m:
                self.m[name], self.v[name] = zeros_like(p), zeros_like(p)
        super().step(params, grads)


# Planted schedules and weight decay -------------------------------------------------------------------------

def schedules_with(name, doc, **changes):
    """A stand-in for the schedules module (a class of static functions) with some functions replaced."""
    functions = {f: getattr(schedules, f) for f in ("constant", "step_decay", "exponential", "cosine")}
    return type(name, (), {"__doc__": doc, **{f: staticmethod(g) for f, g in {**functions, **changes}.items()}})


StepDecayOneEpochEarly = schedules_with(
    "StepDecayOneEpochEarly", "step_decay drops at epoch every - 1: lr * factor^floor((t + 1) / every).",
    step_decay=lambda lr, epoch, every=10, factor=0.5: lr * factor ** ((epoch + 1) // every))
CosineOneEpochLate = schedules_with(
    "CosineOneEpochLate", "cosine counts epochs from 1: the first epoch already uses the rate of t = 1.",
    cosine=lambda lr, epoch, epochs, minimum=0.0: schedules.cosine(lr, epoch + 1, epochs, minimum))
ExponentialLinear = schedules_with(
    "ExponentialLinear", "exponential falls by (1 - gamma) lr per epoch: linear, not geometric.",
    exponential=lambda lr, epoch, gamma=0.9: lr * max(0.0, 1.0 - (1.0 - gamma) * epoch))


class WeightDecayDoubleGradient(reference.WeightDecay):
    """dR/dW = 2 strength W: the 1/2 of the penalty is forgotten in the gradient."""

    def gradient(self, params):
        return {name: [[2.0 * g for g in row] for row in d] if isinstance(d[0], list) else d
                for name, d in super().gradient(params).items()}


class WeightDecayOnBiases(reference.WeightDecay):
    """Biases are decayed too (penalty and gradient)."""

    def penalty(self, params):
        return super().penalty(params) + 0.5 * self.strength * sum(
            b * b for p in params.values() if not isinstance(p[0], list) for b in p)

    def gradient(self, params):
        return {name: d if isinstance(d[0], list) else [self.strength * b for b in params[name]]
                for name, d in super().gradient(params).items()}


PLANTED = [  # (component, wrong implementation, the property that must fail, words in its message)
    ("sgd", SGDSignFlip, "the_first_step_moves_every_coordinate_against_its_gradient", "is a sign flipped?"),
    ("sgd", SGDSignFlip, "a_step_moves_each_parameter_by_exactly_minus_lr_times_its_gradient", "sign flip gives"),
    ("sgd", SGDWithoutLr, "a_step_moves_each_parameter_by_exactly_minus_lr_times_its_gradient", "missing lr"),
    ("sgd", SGDReplacesLists, "step_edits_params_in_place_and_nothing_else", "edit the entries in place"),
    ("sgd", SGDCopiesLr, "lr_is_read_at_each_step", "lr copied at construction"),
    ("momentum", MomentumForgetsVelocity, "the_second_step_carries_beta_times_the_first_gradient",
     "velocity was forgotten"),
    ("momentum", MomentumForgetsVelocity, "a_constant_gradient_builds_up_to_lr_g_over_1_minus_beta", "(1 - beta^2)"),
    ("momentum", MomentumSharedVelocity, "each_parameter_moves_as_if_it_had_its_own_optimizer", "state shared"),
    ("adam", AdamWithoutBiasCorrection, "the_first_step_moves_each_coordinate_by_about_lr", "bias correction"),
    ("adam", AdamWithoutBiasCorrection, "a_constant_gradient_moves_by_lr_at_every_step", "bias correction"),
    ("adam", AdamGlobalStepCount, "each_parameter_moves_as_if_it_had_its_own_optimizer", "joins on the second step"),
    ("schedules", StepDecayOneEpochEarly, "step_decay_multiplies_by_factor_at_each_boundary", "off by one epoch"),
    ("schedules", CosineOneEpochLate, "every_schedule_starts_at_lr", "cosine(lr="),
    ("schedules", CosineOneEpochLate, "cosine_runs_from_lr_to_the_minimum_symmetrically", "off by one epoch"),
    ("schedules", ExponentialLinear, "exponential_multiplies_by_gamma_each_epoch", "lr * gamma^"),
    ("weight_decay", WeightDecayDoubleGradient, "the_gradient_is_strength_times_w_and_zero_for_biases",
     "strength * W"),
    ("weight_decay", WeightDecayOnBiases, "the_penalty_is_half_the_strength_times_the_sum_of_squared_weights",
     "biases included?"),
]


@pytest.fixture
def unshrunk():
    """Report a property failure as found, without shrinking (the words of a message do not depend on it)."""
    previous = settings.get_current_profile_name()
    settings.register_profile("unshrunk", settings(phases=[Phase.explicit, Phase.reuse, Phase.generate]))
    settings.load_profile("unshrunk")
    yield
    settings.load_profile(previous)


def property_named(component, name):
    found = [prop for prop in property_suite(component) if prop.__name__ == name]
    assert found, f"checks/properties/{component}.py has no property '{name}'"
    return found[0]


@pytest.mark.parametrize("component, wrong, name, words", PLANTED,
                         ids=[f"{c}.{w.__name__}.{n}" for c, w, n, _ in PLANTED])
def test_a_planted_bug_breaks_the_named_property(component, wrong, name, words, unshrunk):
    outcome = run(property_named(component, name), COMPONENTS[component].subject(wrong))
    assert not outcome.passed, f"'{name}' passed {wrong}"
    assert words in outcome.message, f"'{name}' failed without the words {words!r}: {outcome.message}"


def test_every_training_component_has_at_least_two_planted_bugs():
    names = ("sgd", "momentum", "adam", "schedules", "weight_decay")
    counts = {c: len({w for comp, w, _, _ in PLANTED if comp == c}) for c in names}
    assert all(n >= 2 for n in counts.values()), counts


# The descent check ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_reference_optimizers_lower_the_loss_as_predicted(name):
    reports = descent.descent_reports(COMPONENTS[name])
    assert len(reports) == 3 and all(r.passed for r in reports), [r.message() for r in reports]
    assert all(abs(r.ratio - 1.0) < 0.01 for r in reports)


def test_a_sign_flip_makes_the_loss_rise():
    report = descent.descent_reports(COMPONENTS["sgd"], SGDSignFlip)[0]
    assert not report.passed and report.measured < 0
    assert "raised the loss" in report.message() and "is its sign flipped?" in report.message()
    assert 'Reread specs/sgd.md, section "Definition".' in report.message()


def test_adam_without_bias_correction_takes_a_step_three_times_too_long():
    report = descent.descent_reports(COMPONENTS["adam"], AdamWithoutBiasCorrection)[0]
    assert not report.passed
    assert 3.0 < report.ratio < 3.3  # sqrt(1 - beta2) / (1 - beta1) = 3.16
    assert "ratio 3.1" in report.message() and "missing or extra factor" in report.message()


def test_a_missing_learning_rate_is_a_wrong_ratio():
    report = descent.descent_reports(COMPONENTS["sgd"], SGDWithoutLr)[0]
    assert not report.passed and "is lr missing?" in report.message()


def test_momentum_that_forgets_its_velocity_passes_descent_but_not_its_properties():
    """The descent check sees one step only; the property suite is what catches a lost velocity."""
    assert all(r.passed for r in descent.descent_reports(COMPONENTS["momentum"], MomentumForgetsVelocity))


def test_an_optimizer_that_raises_is_reported_not_raised():
    class Broken(reference.SGD):
        def step(self, params, grads):
            raise RuntimeError("no step yet")

    report = descent.descent_reports(COMPONENTS["sgd"], Broken)[0]
    assert not report.passed and "RuntimeError raised by step: no step yet" in report.message()


# The penalty check of weight decay --------------------------------------------------------------------------

def test_the_weight_decay_gradient_matches_finite_differences_of_the_penalty():
    reports = descent.penalty_reports(COMPONENTS["weight_decay"])
    assert all(r.passed for r in reports), [r.message() for r in reports]
    assert {b.name for b in reports[0].blocks} == {"d0.W", "d0.b", "d2.W"}


def test_a_doubled_weight_decay_gradient_fails_the_penalty_check():
    report = descent.penalty_reports(COMPONENTS["weight_decay"], WeightDecayDoubleGradient)[0]
    assert not report.passed
    message = report.message()
    assert "d0.W:" in message and "disagree with finite differences" in message
    assert [b.name for b in report.blocks if not b.passed] == ["d0.W", "d2.W"]  # the bias block passes
    assert 'Reread specs/weight_decay.md, section "Partial derivatives".' in message


# Baselines --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_reference_optimizers_beat_the_mean(name):
    result = baseline.run(COMPONENTS[name])
    assert result.passed, result


def test_an_ascending_optimizer_does_not_beat_the_mean():
    result = baseline.run(COMPONENTS["sgd"], SGDSignFlip)
    assert not result.passed


# make check and the completeness gate -----------------------------------------------------------------------

def test_make_check_shows_the_descent_check_in_the_gradient_column():
    lines = []
    assert suite.main(["momentum"], out=lines.append) == 0, "\n".join(lines)
    row = next(line for line in lines[0].splitlines() if line.startswith("momentum "))
    assert "descent ok" in row and row.endswith("pass")


def test_make_check_fails_a_sign_flipped_optimizer_and_says_why(monkeypatch):
    monkeypatch.setattr(reference, "SGD", SGDSignFlip)
    lines = []
    assert suite.main(["sgd"], out=lines.append) == 1
    output = "\n".join(lines)
    row = next(line for line in output.splitlines() if line.startswith("sgd "))
    assert "FAIL" in row
    assert "sgd: descent check failed at point 0." in output
    assert "- property 'the_first_step_moves_every_coordinate_against_its_gradient'" in output


def test_the_gate_names_an_optimizer_without_descent_points():
    hollow = dataclasses.replace(COMPONENTS["sgd"], name="hollow", points=None)
    gaps = completeness.check_gaps("hollow", {"hollow": hollow})
    assert gaps[0] == ("'hollow' is an optimizer but has no descent-check points or first-step direction "
                       "in checks/components.py")


def test_the_new_components_are_exported_and_complete():
    exported = completeness.exported_components()
    assert exported["schedules"] == ["constant", "step_decay", "exponential", "cosine"]
    audit = completeness.audit()
    assert all(audit[name] == [] for name in ("sgd", "momentum", "adam", "schedules", "weight_decay")), audit
