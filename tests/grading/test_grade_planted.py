"""Every planted bug of tests/planted.py, submitted as a file, is caught by the check that owns it, with its diagnosis.

A wrong gradient fails the gradient check, which compares the submission's
backward with finite differences of the spec's forward. A broken protocol
rule (grads that accumulate, a stale cache, arguments modified, numbers that
change call to call, overflow) fails that rule's check alone: the gradient
check takes a fresh instance's first backward, so the breach is charged once.
The diagnoses are graded in this process (isolation is not what they are
about); the proxies of the grader's child give the checker the very numbers it
gets in-process, which the last test shows for one bug per diagnosis.
"""
import json

import pytest

from checks.components import COMPONENTS
from checks.grading.checklist import RULES
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

RULE_OF = {code: name for name, (_, codes, _, _) in RULES.items() for code in codes}  # diagnosis -> its rule check
BREACHES = [b for b in planted.GRADIENT_BUGS + planted.PROTOCOL_BUGS if b.diagnosis in RULE_OF]
WRONG_GRADIENTS = [b for b in planted.GRADIENT_BUGS if b.diagnosis not in RULE_OF]
GRADIENT_ONLY = {**{name: 0 for name in DEFAULT}, "gradient": 4}
RULES_AND_GRADIENT = {**GRADIENT_ONLY, "forward": 2, **{name: 1 for name in RULES}}
LIMITS = Limits(call=10, total=60, examples=5)
SEED = 2024
DRAWN = {"DenseTransposedSquare": "shape"}  # square only: at the drawn non-square shapes its dW has the wrong shape
RANDOM = {"DenseNondeterministic"}  # jitters with the global random state: the numbers differ run to run


def submission(bug, folder):
    component = COMPONENTS[bug.component]
    return write(folder, f"{bug.component}.py", standalone(bug, component.class_name)), component


@pytest.mark.parametrize("bug", WRONG_GRADIENTS, ids=lambda c: c.__name__)
def test_each_wrong_gradient_fails_the_gradient_check_with_its_diagnosis(bug, tmp_path):
    path, component = submission(bug, tmp_path)
    report = grade(path, bug.component, GRADIENT_ONLY, LIMITS, seed=SEED, isolated=False)
    [check] = report.checks
    assert report.status == "graded" and check.name == "gradient", report.message
    assert check.status == "failed" and check.score == 0
    expected = DRAWN.get(bug.__name__, bug.diagnosis)
    assert check.diagnosis == expected, check.message
    assert f"Diagnosis: {expected}." in check.message
    assert "Partial derivatives" in check.reread


@pytest.mark.parametrize("bug", BREACHES, ids=lambda c: c.__name__)
def test_each_broken_rule_costs_its_rule_check_only(bug, tmp_path):
    path, component = submission(bug, tmp_path)
    report = grade(path, bug.component, RULES_AND_GRADIENT, LIMITS, seed=SEED, isolated=False)  # the rules, not the wall
    checks = {c.name: c for c in report.checks}
    rule = checks[RULE_OF[bug.diagnosis]]
    assert rule.status == "failed" and rule.score == 0 and rule.diagnosis == bug.diagnosis, rule.message
    assert checks["gradient"].status == "passed", checks["gradient"].message
    others = [c.name for c in report.checks if c.status != "passed" and c is not rule]
    assert others == [], [checks[n].message for n in others]


def test_a_forward_of_the_wrong_shape_fails_forward_with_a_sentence(tmp_path):
    path, _ = submission(planted.TanhFlatOutput, tmp_path)
    report = grade(path, "tanh", RULES_AND_GRADIENT, LIMITS, seed=SEED)
    forward = report.checks[0]
    assert forward.name == "forward" and forward.status == "failed"
    assert "a flat list of" in forward.message and "it must return" in forward.message, forward.message
    assert all(c.message.startswith("not counted: forward") for c in report.checks if c.name in RULES)


ONE_PER_DIAGNOSIS = list({b.diagnosis: b for b in reversed(WRONG_GRADIENTS + BREACHES)
                          if b.__name__ not in RANDOM}.values())


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
