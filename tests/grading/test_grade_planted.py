"""Every planted bug of tests/planted.py, submitted as a file, is caught with its diagnosis in the gradient check.

The submission runs in the grader's child process; the gradient check runs
in the grader on proxies. The remote reports must be the very reports the
checker gives in-process: same entries, same numbers, same diagnosis.
"""
import json

import pytest

from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.places import places
from checks.grading.process import Child
from checks.grading.remote import Remote
from checks.grading.rubric import DEFAULT
from checks.suite import gradient_reports
from tests import planted
from checks.grading.samples import write
from tests.grading.sources import standalone

BUGS = planted.GRADIENT_BUGS + planted.PROTOCOL_BUGS
GRADIENT_ONLY = {**{name: 0 for name in DEFAULT}, "gradient": 4}
LIMITS = Limits(call=10, total=60)
RANDOM = {"DenseNondeterministic"}  # jitters with the global random state: the numbers differ run to run


def submission(bug, folder):
    component = COMPONENTS[bug.component]
    return write(folder, f"{bug.component}.py", standalone(bug, component.class_name)), component


@pytest.mark.parametrize("bug", BUGS, ids=lambda c: c.__name__)
def test_each_planted_bug_is_caught_with_its_diagnosis(bug, tmp_path):
    path, component = submission(bug, tmp_path)
    report = grade(path, bug.component, GRADIENT_ONLY, LIMITS)
    [check] = report.checks
    assert report.status == "graded" and check.name == "gradient", report.message
    assert check.status == "failed" and check.score == 0
    assert check.diagnosis == bug.diagnosis, check.message
    assert f"\n  {bug.block}" in check.message and f"Diagnosis: {bug.diagnosis}." in check.message


ONE_PER_DIAGNOSIS = list({b.diagnosis: b for b in reversed(BUGS) if b.__name__ not in RANDOM}.values())


@pytest.mark.parametrize("bug", ONE_PER_DIAGNOSIS, ids=lambda c: c.__name__)
def test_remote_gradient_reports_equal_the_in_process_ones(bug, tmp_path):
    """The proxy is the same for every class: one bug per diagnosis shows that every number crosses unchanged."""
    path, component = submission(bug, tmp_path)
    local = [r.to_json() for r in gradient_reports(component, bug)]
    with Child([path], LIMITS, places(path)) as child:
        remote = Remote(child)
        remote.load(child.files[0])
        implementation = remote.implementation(component.class_name, component.kind)
        found = [r.to_json() for r in gradient_reports(component, implementation)]
    assert json.dumps(found) == json.dumps(local)
