"""Correct implementations, written differently from reference/ or copied from it, get full marks.

The reference classes and tests/correct_implementations.py are written into
files and graded as submissions. The default run leaves the baseline out
(its training costs seconds per submission) except for two components;
GRADING_SLOW=1 grades every one with the whole default rubric.
"""
import json
import os

import pytest

from checks.components import COMPONENTS
from checks.grading import IN_PROCESS_ONLY, NETWORKS
from checks.grading.grade import GRADABLE, checks_for, grade
from checks.grading.limits import Limits
from checks.grading.places import places
from checks.grading.process import Child
from checks.grading.remote import Remote
from checks.grading.rubric import DEFAULT
from checks.suite import gradient_reports
from tests import correct_implementations
from checks.grading.samples import library_source, write
from tests.grading.sources import standalone

SLOW = bool(os.environ.get("GRADING_SLOW"))
QUICK = {**DEFAULT, "baseline": 0}
LIMITS = Limits(call=10, total=120, examples=20 if SLOW else 3)
SUBMISSIONS = [(COMPONENTS[n].reference, n) for n in GRADABLE] + [(c, c.component) for c in correct_implementations.CORRECT]
WITH_BASELINE = {"Dense", "SCELogSoftmax"}  # a layer and a loss trained through the child (the course adds more)


def graded(cls, name, folder, rubric):
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    return grade(path, name, rubric, LIMITS, isolated=name not in IN_PROCESS_ONLY)


@pytest.mark.parametrize("cls, name", SUBMISSIONS, ids=lambda v: getattr(v, "__name__", v))
def test_a_correct_implementation_gets_full_marks(cls, name, tmp_path):
    rubric = DEFAULT if SLOW or cls.__name__ in WITH_BASELINE else QUICK
    report = graded(cls, name, tmp_path, rubric)
    failing = [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]
    assert report.status == "graded" and not failing, failing
    applicable = checks_for(rubric, name)  # an optimizer has no forward and no protocol rules of a layer
    assert report.score == report.max_score == sum(rubric[n] for n in applicable)
    assert report.message == "every check passed" and report.passed
    assert [c.name for c in report.checks] == applicable


ONE_PER_COMPONENT = list({name: (cls, name) for cls, name in reversed(SUBMISSIONS)}.values())
WITH_GRADIENTS = [(cls, name) for cls, name in SUBMISSIONS if COMPONENTS[name].has_gradient
                  and name not in IN_PROCESS_ONLY]  # a proxy cannot hold the child's generator


@pytest.mark.parametrize("cls, name", WITH_GRADIENTS if SLOW else [p for p in ONE_PER_COMPONENT if p in WITH_GRADIENTS],
                         ids=lambda v: getattr(v, "__name__", v))
def test_remote_gradient_reports_of_correct_code_equal_the_in_process_ones(cls, name, tmp_path):
    """The proxy is the same for every class: one implementation per component shows it (GRADING_SLOW=1: all).
    A network's layers are built in the child from the grader's library."""
    component = COMPONENTS[name]
    path = write(tmp_path, f"{name}.py", standalone(cls, component.class_name))
    with Child([path], LIMITS, places(path), library_source() if name in NETWORKS else None) as child:
        remote = Remote(child)
        remote.load(child.files[0])
        found = gradient_reports(component, remote.implementation(component.class_name, component.kind))
    assert json.dumps([r.to_json() for r in found]) == json.dumps([r.to_json() for r in gradient_reports(component, cls)])


RELU = """
class Relu:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return [[max(v, 0.0) for v in row] for row in x]
"""


def test_the_class_name_picks_the_component_and_case_does_not_matter(tmp_path):
    path = write(tmp_path, "mine.py", RELU)
    report = grade(path, rubric={**{n: 0 for n in DEFAULT}, "forward": 1}, limits=LIMITS)
    assert report.component == "relu" and report.score == 1, report.message


def test_a_class_with_another_name_is_graded_as_the_named_component_when_it_is_the_only_one(tmp_path):
    source = "class MyLayer:\n    def __init__(self):\n        self.params, self.grads = {}, {}\n" \
             "    def forward(self, x):\n        return [list(r) for r in x]\n" \
             "    def backward(self, dy):\n        return [list(r) for r in dy]\n"
    report = grade(write(tmp_path, "mine.py", source), "identity", {**{n: 0 for n in DEFAULT}, "forward": 1}, LIMITS)
    assert report.status == "graded" and report.score == 1
    assert "graded class MyLayer as Identity" in report.message
