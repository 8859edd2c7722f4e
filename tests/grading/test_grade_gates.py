"""The grader takes LSTM and GRU files: a correct one gets full marks, in process and isolated; a planted mistake of
backpropagation through time loses the gradient's points, with its diagnosis."""
import pytest

from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from tests import correct_implementations, planted_recurrence
from tests.grading.sources import standalone

RUBRIC = {**DEFAULT, "baseline": 0}  # the baseline trains on the bike sequences for seconds: tests/test_lstm.py runs it
LIMITS = Limits(call=10, total=120, examples=3)


def graded(cls, folder, isolated):
    name = cls.component
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    return grade(path, name, RUBRIC, LIMITS, seed=3, isolated=isolated)


@pytest.mark.parametrize("cls, isolated", [(correct_implementations.LoopLSTM, False),
                                           (correct_implementations.LoopGRU, False),
                                           (correct_implementations.LoopLSTM, True)],
                         ids=["lstm-in-process", "gru-in-process", "lstm-isolated"])
def test_a_correct_gated_layer_gets_full_marks(cls, isolated, tmp_path):
    report = graded(cls, tmp_path, isolated)
    failing = [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]
    assert report.status == "graded" and not failing, failing
    assert report.score == report.max_score > 0 and report.message == "every check passed"


@pytest.mark.parametrize("bug, isolated", [(planted_recurrence.LSTMForgetsTanhSlope, False),
                                           (planted_recurrence.GRUUpdateGateSwappedInBackward, False),
                                           (planted_recurrence.LSTMCellGradientNotCarried, True)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_a_planted_mistake_scores_low_with_its_diagnosis(bug, isolated, tmp_path):
    report = graded(bug, tmp_path, isolated)
    checks = {c.name: c for c in report.checks}
    gradient = checks["gradient"]
    assert report.status == "graded" and gradient.status == "failed" and gradient.score == 0
    assert gradient.diagnosis == bug.diagnosis and f"Diagnosis: {bug.diagnosis}." in gradient.message, gradient.message
    assert report.score <= report.max_score - RUBRIC["gradient"]
