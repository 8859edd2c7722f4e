"""The evaluation check grades a layer's evaluation mode against the spec, and the grader says which layers it
grades in its own process only."""
import pytest

from checks.components import COMPONENTS
from checks.grading import IN_PROCESS_ONLY
from checks.grading.checklist import MODES
from checks.grading.grade import NotGradable, grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from tests import planted
from tests.grading.sources import standalone

LIMITS = Limits(call=10, total=60, examples=3)
MODE_CHECKS = {**{name: 0 for name in DEFAULT}, "forward": 2, "gradient": 4, "evaluation": 1}


def graded(cls, component, folder, rubric=MODE_CHECKS, isolated=False):
    path = write(folder, f"{component}.py", standalone(cls, COMPONENTS[component].class_name))
    return grade(path, component, rubric, LIMITS, seed=7, isolated=isolated)


@pytest.mark.parametrize("bug, words", [
    (planted.DropoutInEvaluation, "forward(x)[0][0]"),
    (planted.BatchNormBatchStatisticsInEvaluation, "is the mode read in forward?"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_layer_that_ignores_the_mode_fails_the_evaluation_check_alone(bug, words, tmp_path):
    report = graded(bug, bug.component, tmp_path)
    checks = {c.name: c for c in report.checks}
    assert checks["forward"].status == checks["gradient"].status == "passed", report.message
    assert checks["evaluation"].status == "failed" and checks["evaluation"].score == 0
    assert words in checks["evaluation"].message and "in evaluation mode" in checks["evaluation"].message


def test_dropout_scaled_by_p_fails_forward_against_the_spec(tmp_path):
    report = graded(planted.DropoutScaledByP, "dropout", tmp_path)
    forward = report.checks[0]
    assert forward.name == "forward" and forward.status == "failed"
    assert "but the spec gives" in forward.message, forward.message


@pytest.mark.parametrize("name", MODES)
def test_the_reference_passes_the_evaluation_check(name, tmp_path):
    report = graded(COMPONENTS[name].reference, name, tmp_path)
    assert [c.status for c in report.checks] == ["passed"] * 3, [c.message for c in report.checks]


def test_the_evaluation_check_grades_only_layers_with_modes(tmp_path):
    report = graded(COMPONENTS["layer_norm"].reference, "layer_norm", tmp_path, isolated=True)
    assert "evaluation" not in [c.name for c in report.checks] and report.passed


@pytest.mark.parametrize("name", IN_PROCESS_ONLY)
def test_isolated_grading_of_a_layer_with_modes_is_refused_in_one_line(name, tmp_path):
    with pytest.raises(NotGradable, match=r"graded in the grader's own process only \(isolated=False"):
        graded(COMPONENTS[name].reference, name, tmp_path, isolated=True)
