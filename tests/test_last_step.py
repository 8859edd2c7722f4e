"""LastStep (specs/last_step.md): the last time step, its gradient placed there, its mistakes named."""
import random

import pytest

import reference
from checks import nested
from checks.gradcheck import check_layer
from tests import planted_recurrence as planted

X = nested.gaussian(random.Random(2), (3, 4, 2))


def test_the_gradient_check_passes_and_dx_has_the_shape_of_the_sequences():
    report = check_layer(reference.LastStep(), X, "last_step")
    assert report.passed, report.message()
    assert [(b.name, b.shape) for b in report.blocks] == [("dx", (3, 4, 2))]


@pytest.mark.parametrize("bug, words", [
    (planted.LastStepGradientToEveryStep, "dx equals dy at every one of the 4 steps"),
    (planted.LastStepGradientToFirstStep, "dx holds dy at step 0 of 4 (index 0 where T - 1, or -1, belongs)"),
], ids=lambda v: getattr(v, "__name__", "words"))
def test_dy_sent_to_every_step_or_to_the_first_is_named(bug, words):
    report = check_layer(bug(), X, "last_step")
    assert report.diagnosis == bug.diagnosis and words in report.evidence, report.message()


def test_dy_sent_to_a_middle_step_is_a_wrong_step_naming_it():
    class MiddleStep(reference.LastStep):
        def backward(self, dy):
            return [[list(g) if t == 1 else [0.0] * len(g) for t in range(self.steps)] for g in dy]

    report = check_layer(MiddleStep(), X, "last_step")
    assert report.diagnosis == "wrong-step" and report.evidence.startswith("dx holds dy at step 1 of 4, in all 24 entries")


def test_the_output_is_a_copy_of_the_last_rows():
    x = [[[1.0, 2.0], [3.0, 4.0]]]
    y = reference.LastStep().forward(x)
    y[0][0] = 9.0
    assert x == [[[1.0, 2.0], [3.0, 4.0]]]


@pytest.mark.parametrize("x", [[[1.0, 2.0]], [[]], [], [[[1.0]], []]])
def test_anything_but_sequences_of_rows_is_refused_in_one_line(x):
    with pytest.raises(ValueError, match=r"^LastStep: x must be a sequence batch \(N, T, H\) with T >= 1"):
        reference.LastStep().forward(x)
