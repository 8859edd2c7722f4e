"""Dropout holds its draw for a checker and draws afresh for a training loop (specs/dropout.md, specs/protocol.md,
"Randomness")."""
import random

import pytest

import reference
from checks.gradcheck import check_layer
from tests import planted

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 1.1], [2.2, -1.7, 0.4]]


class HiddenGenerator:
    """A Dropout whose rng the checker cannot see: every forward draws a new mask."""

    def __init__(self, layer):
        self.layer, self.params, self.grads = layer, layer.params, layer.grads

    def forward(self, x):
        return self.layer.forward(x)

    def backward(self, dy):
        return self.layer.backward(dy)


def test_the_gradient_check_holds_the_draw_fixed_and_passes():
    report = check_layer(reference.Dropout(0.3, seed=2), X, "dropout")
    assert report.passed, report.message()
    assert report.calls["forward"] > 10  # many forwards, one mask


def test_without_holding_the_draw_the_check_sees_a_forward_that_does_not_repeat_itself():
    report = check_layer(HiddenGenerator(reference.Dropout(0.3, seed=2)), X, "dropout")
    assert not report.passed
    assert report.diagnosis == "nondeterministic", report.message()


def test_dropout_backward_scaled_by_the_keep_probability_is_a_scale_bug_at_the_kept_entries():
    report = check_layer(planted.DropoutBackwardTimesKeepProbability(0.3, 0), X, "dropout")
    assert report.diagnosis == "scale", report.message()


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5])
def test_a_rate_outside_0_to_1_is_refused_naming_the_rule(p):
    with pytest.raises(ValueError, match=r"must satisfy 0 <= p < 1, got"):
        reference.Dropout(p)


def test_evaluation_draws_nothing_and_training_draws_one_number_per_entry():
    layer = reference.Dropout(0.5, seed=7)
    state = layer.rng.getstate()
    layer.training = False
    layer.forward([[[1.0, 2.0], [3.0, 4.0]]])
    assert layer.rng.getstate() == state
    layer.training = True
    layer.forward([[[1.0, 2.0], [3.0, 4.0]]])
    generator = random.Random(7)
    for _ in range(4):
        generator.random()
    assert layer.rng.getstate() == generator.getstate()


def test_the_global_random_state_plays_no_part():
    random.seed(1)
    first = reference.Dropout(0.5, seed=3).forward(X)
    random.seed(2)
    assert reference.Dropout(0.5, seed=3).forward(X) == first
