"""The evaluation check grades a layer's evaluation mode against the spec, in the isolated child as in process."""
import pytest

from checks.components import COMPONENTS
from checks.grading.checklist import MODES
from checks.grading.grade import grade
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


@pytest.mark.parametrize("name", MODES)
def test_a_layer_with_modes_is_graded_in_the_isolated_child_too(name, tmp_path):
    """The proxy sets the child's layer's mode and holds its generator: the reference gets every point there too."""
    report = graded(COMPONENTS[name].reference, name, tmp_path, isolated=True)
    assert report.passed and report.score == report.max_score, [c.message for c in report.checks]


def test_a_layer_that_ignores_the_mode_fails_the_evaluation_check_in_the_isolated_child(tmp_path):
    report = graded(planted.DropoutInEvaluation, "dropout", tmp_path, isolated=True)
    checks = {c.name: c for c in report.checks}
    assert checks["gradient"].status == "passed" and checks["evaluation"].status == "failed", report.message


def test_running_statistics_from_the_child_are_checked_before_they_are_read(tmp_path):
    report = graded(planted.BatchNormWithStringStatistics, "batch_norm", tmp_path,
                    {**{name: 0 for name in DEFAULT}, "forward": 1, "gradient": 1, "properties": 1}, isolated=True)
    checks = {c.name: c for c in report.checks}
    assert checks["properties"].status == "failed" and "running_mean" in checks["properties"].message, report.checks
    assert "\x1b" not in report.message + "".join(c.message for c in report.checks)
