"""Conv2D and Flatten graded as files: a correct one gets full marks, in process and in the isolated child; a planted
bug loses the check that owns it, with its diagnosis (specs/grading.md)."""
import pytest

import reference
from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from tests import correct_implementations, planted_convolution
from tests.grading.sources import standalone

LIMITS = Limits(call=10, total=120, examples=3)
WITHOUT_TRAINING = {**DEFAULT, "training": 0, "baseline": 0}
SEED = 11


def graded(cls, name, folder, rubric=DEFAULT, isolated=False):
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    return grade(path, name, rubric, LIMITS, seed=SEED, isolated=isolated)


def failures(report):
    return [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]


@pytest.mark.parametrize("cls, name", [(correct_implementations.GatherConv2D, "conv2d"), (reference.Flatten, "flatten")],
                         ids=["conv2d", "flatten"])
def test_a_correct_file_gets_full_marks_in_process_baseline_included(cls, name, tmp_path):
    report = graded(cls, name, tmp_path)
    assert report.status == "graded" and not failures(report), failures(report)
    assert report.score == report.max_score > 0
    assert report.variants[0].startswith(f"{COMPONENTS[name].class_name}(")


@pytest.mark.parametrize("cls, name", [(reference.Conv2D, "conv2d"), (reference.Flatten, "flatten")],
                         ids=["conv2d", "flatten"])
def test_a_correct_file_gets_full_marks_in_the_isolated_child(cls, name, tmp_path):
    report = graded(cls, name, tmp_path, WITHOUT_TRAINING, isolated=True)
    assert report.status == "graded" and not failures(report), failures(report)
    assert report.score == report.max_score > 0


@pytest.mark.parametrize("bug", [planted_convolution.Conv2DStrideIgnoredInBackward,
                                 planted_convolution.Conv2DPaddingNotCutOff], ids=lambda c: c.__name__)
def test_a_wrong_gradient_loses_the_gradient_check_with_its_diagnosis(bug, tmp_path):
    report = graded(bug, "conv2d", tmp_path, WITHOUT_TRAINING)
    check = next(c for c in report.checks if c.name == "gradient")
    assert check.status == "failed" and check.score == 0 and check.diagnosis == bug.diagnosis, check.message
    assert report.score <= report.max_score // 2


def test_a_flatten_in_column_major_order_fails_forward_against_the_spec(tmp_path):
    """The grader compares forward with the spec's: a column-major Flatten, right by its own finite differences, loses
    forward (and the gradient, taken against the spec's forward), and the properties are not counted."""
    report = graded(planted_convolution.FlattenColumnMajor, "flatten", tmp_path, WITHOUT_TRAINING)
    checks = {c.name: c for c in report.checks}
    assert checks["forward"].status == "failed" and "but the spec gives" in checks["forward"].message
    assert checks["properties"].status == "not-run", checks["properties"].message
    assert report.score <= report.max_score // 2
