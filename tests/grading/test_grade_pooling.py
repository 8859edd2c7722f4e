"""The grader takes MaxPool2D, AvgPool2D and BatchNorm2D: a correct learner's file gets full marks and a planted
mistake loses the right check with the right diagnosis, in process and in the isolated child; course step 14 grades
a learner's MaxPool2D with the tie convention."""
import pytest

from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from checks.grading.steps import STEPS
from tests import correct_implementations as correct
from tests import planted_convolution as planted
from tests.grading.sources import standalone

QUICK = {**DEFAULT, "baseline": 0}  # the digits baseline is graded once, below: its training costs seconds
LIMITS = Limits(call=10, total=120, examples=3)
ISOLATION = pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "in-process"])


def graded(cls, name, folder, isolated, rubric=QUICK, step=None):
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    if step is not None:
        return grade(path, step=step, limits=LIMITS, seed=7, isolated=isolated)
    return grade(path, name, rubric, LIMITS, seed=7, isolated=isolated)


def failing(report):
    return [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]


@ISOLATION
@pytest.mark.parametrize("cls", [correct.LoopMaxPool2D, correct.LoopAvgPool2D, correct.LoopBatchNorm2D],
                         ids=lambda c: c.__name__)
def test_a_correct_learner_s_file_gets_full_marks(cls, tmp_path, isolated):
    report = graded(cls, cls.component, tmp_path, isolated)
    assert report.status == "graded" and not failing(report), failing(report)
    assert report.score == report.max_score > 0


@ISOLATION
@pytest.mark.parametrize("bug", [planted.MaxPool2DOverwritesOverlap, planted.AvgPool2DBackwardNotDivided,
                                 planted.BatchNorm2DWithoutStatisticsPaths], ids=lambda c: c.__name__)
def test_a_planted_gradient_mistake_loses_the_gradient_check_with_its_diagnosis(bug, tmp_path, isolated):
    report = graded(bug, bug.component, tmp_path, isolated)
    check = next(c for c in report.checks if c.name == "gradient")
    assert check.status == "failed" and f"Diagnosis: {bug.diagnosis}." in check.message, check.message
    assert report.score <= 0.3 * report.max_score, (report.score, failing(report))


@ISOLATION
def test_dy_sent_to_every_tied_maximum_loses_the_properties(tmp_path, isolated):
    report = graded(planted.MaxPool2DEveryTiedMaximum, "max_pool2d", tmp_path, isolated)
    check = next(c for c in report.checks if c.name == "properties")
    assert check.status == "failed" and "every tied maximum" in check.message, check.message


@ISOLATION
def test_step_14_gives_full_marks_to_a_solution_and_one_point_less_for_another_tie_rule(tmp_path, isolated):
    from tests.course_solutions import WindowMaximum
    step = STEPS[14]
    report = graded(WindowMaximum, "max_pool2d", tmp_path, isolated, step=step)
    assert report.status == "graded" and not failing(report), failing(report)
    assert report.score == report.max_score == 14
    other = graded(correct.LoopMaxPool2D, "max_pool2d", tmp_path, isolated, step=step)
    assert [c.name for c in other.checks if c.status != "passed"] == ["convention"], failing(other)
    assert other.score == 13
