"""Grades follow the spec: every submission of tests/grading/gallery.py scores in the band its kind deserves.

The default rubric, one fixed seed, graded in this process (isolation is not
what these tests are about; tests/grading/test_grade_exploits.py is):

- trivial, identity, constant: at most 5% of the points;
- consistent-wrong (a wrong forward with the backward right for it) and
  garbage-backward: at most 20%;
- shape-special-cased: fails the forward or the gradient check;
- one rule of the protocol broken: at least 70%, and that rule's check fails;
- correct variants: 100%.
"""
import pytest

from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.samples import write
from tests.grading.gallery import GALLERY
from tests.grading.sources import standalone

SEED = 31337
LIMITS = Limits(examples=6)
AT_MOST = {"trivial": 0.05, "identity": 0.05, "constant": 0.05, "consistent-wrong": 0.20, "garbage-backward": 0.20}
RULE_CHECK = {"in-place": "properties"}  # an optimizer's in-place rule is one of its properties


def graded(cls, folder, seed=SEED):
    component = COMPONENTS[cls.component]
    path = write(str(folder), f"{cls.component}.py", standalone(cls, component.class_name))
    return grade(path, cls.component, limits=LIMITS, seed=seed, isolated=False)


def lines(report):
    return [f"{c.name} {c.status} {c.score}/{c.max_score}: {c.message[:300]}" for c in report.checks]


@pytest.mark.parametrize("cls", GALLERY, ids=lambda c: c.__name__)
def test_each_gallery_submission_scores_in_its_band(cls, tmp_path):
    report = graded(cls, tmp_path)
    assert report.status == "graded", report.message
    share = report.score / report.max_score
    checks = {c.name: c for c in report.checks}
    kind = getattr(cls, "kind", "correct")  # the reused classes of tests/correct_implementations.py are correct
    if kind in AT_MOST:
        assert share <= AT_MOST[kind], lines(report)
    elif kind == "shape-special-cased":
        assert "failed" in (checks.get("forward", checks["gradient"]).status, checks["gradient"].status), \
            lines(report)
    elif kind == "one-rule":
        rule = checks[RULE_CHECK.get(cls.rule, cls.rule)]
        assert share >= 0.70 and rule.score < rule.max_score, lines(report)
    else:
        assert kind == "correct"
        assert report.score == report.max_score, lines(report)
