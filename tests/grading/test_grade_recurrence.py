"""The grader takes RNN, LastStep, LSTM and GRU files: a correct one gets full marks, in process and isolated; a planted
mistake of backpropagation through time (or of where LastStep sends dy) loses the gradient's points, with its
diagnosis. The grader calls forward(x) and backward(dy) alone: the properties that pass h0 or read dh0 are not
graded."""
import pytest

from checks.components import COMPONENTS
from checks.grading.context import Context
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from tests import correct_implementations, planted_recurrence
from tests.grading.sources import standalone

RUBRIC = {**DEFAULT, "baseline": 0}  # the baseline trains on the bike sequences for seconds: make check and
# tests/test_lstm.py, tests/test_gru.py run it
LIMITS = Limits(call=10, total=120, examples=3)


def graded(cls, folder, isolated, rubric=RUBRIC):
    name = cls.component
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    return grade(path, name, rubric, LIMITS, seed=5, isolated=isolated)


@pytest.mark.parametrize("cls, isolated", [(correct_implementations.LoopRNN, False),
                                           (correct_implementations.IndexedLastStep, False),
                                           (correct_implementations.LoopRNN, True),
                                           (correct_implementations.IndexedLastStep, True),
                                           (correct_implementations.LoopLSTM, False),
                                           (correct_implementations.LoopGRU, False),
                                           (correct_implementations.LoopLSTM, True)],
                         ids=["rnn-in-process", "last-step-in-process", "rnn-isolated", "last-step-isolated",
                              "lstm-in-process", "gru-in-process", "lstm-isolated"])
def test_a_correct_recurrent_layer_gets_full_marks(cls, isolated, tmp_path):
    report = graded(cls, tmp_path, isolated)
    failing = [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]
    assert report.status == "graded" and not failing, failing
    assert report.score == report.max_score > 0 and report.message == "every check passed"


@pytest.mark.parametrize("bug, isolated", [(planted_recurrence.RNNGradientNotCarried, False),
                                           (planted_recurrence.RNNAssignsDWx, False),
                                           (planted_recurrence.LastStepGradientToEveryStep, False),
                                           (planted_recurrence.RNNWritesStateForRead, True),
                                           (planted_recurrence.LastStepGradientToFirstStep, True),
                                           (planted_recurrence.LSTMForgetsTanhSlope, False),
                                           (planted_recurrence.GRUUpdateGateSwappedInBackward, False),
                                           (planted_recurrence.LSTMCellGradientNotCarried, True)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_a_planted_mistake_scores_low_with_its_diagnosis(bug, isolated, tmp_path):
    report = graded(bug, tmp_path, isolated)
    gradient = next(c for c in report.checks if c.name == "gradient")
    assert report.status == "graded" and gradient.status == "failed" and gradient.score == 0
    assert gradient.diagnosis == bug.diagnosis and f"Diagnosis: {bug.diagnosis}." in gradient.message, gradient.message
    assert report.score <= 2  # forward alone: every other check depends on the gradient


def test_the_graded_properties_leave_out_those_that_pass_a_state():
    names = [p.__name__ for p in Context(COMPONENTS["rnn"], None).suite]
    assert "a_sequence_of_length_1_is_one_step" in names and "with_Wh_0_each_step_is_dense_then_tanh" in names
    assert "h0_given_equals_prepending_the_state" not in names and "dh0_is_the_gradient_of_h0" not in names


def test_an_rnn_that_ignores_h0_still_gets_full_marks_since_the_state_is_not_graded(tmp_path):
    report = graded(planted_recurrence.RNNIgnoresH0, tmp_path, False)
    assert report.score == report.max_score, [c.message for c in report.checks if c.status != "passed"]
