"""The grader takes layers beyond (N, D) batches with no case of its own: a rank-4 layer and a stochastic one.

Each toy of tests/toys.py is declared here as a Component (as a component of
reference/ is in checks/components.py) and registered for the test only:
the grader then draws it, runs it in the isolated child or in process, holds
its draw fixed through the proxy's rng, and scores it like any component.
"""
import sys
import types

import pytest
from hypothesis import strategies as st

import reference
from checks import nested, strategies as s
from checks.components import COMPONENTS
from checks.grading import grade as grading
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.registry import LAYER, REGRESSION, Component
from tests import toys
from tests.grading.sources import standalone

RUBRIC = {**DEFAULT, "training": 0, "baseline": 0}  # the bike data is (N, 5): no baseline model for these layers
LIMITS = Limits(call=10, total=120, examples=3)


def images(channels, elements=None):
    """Batches (N, C, 2, 3), N in 2..3."""
    return st.integers(2, 3).flatmap(lambda n: s.tensors((n, channels, 2, 3), elements))


def image_draw(component, sizes):
    """ScaleShift(C) on x (N, C, 2, 3), C and N drawn from {2, 3}, N != C."""
    c = sizes.choice((2, 3))
    n = 5 - c
    return (lambda impl: impl(c), lambda r: nested.gaussian(r, (n, c, 2, 3)), lambda s: images(c),
            lambda s: images(c, s.values(-s.EXTREME, s.EXTREME)), f"ScaleShift({c}) on x ({n}, {c}, 2, 3)")


def batch_draw(component, sizes):
    """Dropping(0.5, seed) on x (N, D), the seed drawn too."""
    seed, d = sizes.choice(range(100)), sizes.width()
    n = sizes.non_square(d)
    return (lambda impl: impl(0.5, seed), lambda r: nested.gaussian(r, (n, d)), lambda s: s.batches(d, min_rows=2),
            lambda s: s.batches(d, s.values(-s.EXTREME, s.EXTREME), min_rows=2), f"Dropping(0.5, {seed}) on x ({n}, {d})")


SCALE_SHIFT = Component("scale_shift", "ScaleShift", LAYER, lambda impl: impl(3),
                        lambda rng: nested.gaussian(rng, (2, 3, 2, 3)), lambda s: images(3),
                        lambda s: images(3, s.values(-s.EXTREME, s.EXTREME)), REGRESSION, None, gradable=True, draw=image_draw)
DROPPING = Component("dropping", "Dropping", LAYER, lambda impl: impl(0.5, 0), lambda rng: nested.gaussian(rng, (3, 4)),
                     lambda s: s.batches(min_rows=2), lambda s: s.batches(s.MAX_COLUMNS, s.values(-s.EXTREME, s.EXTREME), min_rows=2),
                     REGRESSION, None, gradable=True, draw=batch_draw)


@pytest.fixture
def registered(monkeypatch):
    """Declare the toys as components for one test: the registry, the grader's choices, their suites, and their
    reference (the correct toy)."""
    for component, cls in ((SCALE_SHIFT, toys.ScaleShift), (DROPPING, toys.Dropping)):
        monkeypatch.setitem(COMPONENTS, component.name, component)
        monkeypatch.setattr(reference, component.class_name, cls, raising=False)
        suite = types.ModuleType(f"checks.properties.{component.name}")
        suite.PROPERTIES = EVERY_LAYER + WITH_PARAMS
        monkeypatch.setitem(sys.modules, suite.__name__, suite)
    monkeypatch.setattr(grading, "GRADABLE", grading.GRADABLE + ("scale_shift", "dropping"))
    monkeypatch.setattr(grading, "CLASSES", {**grading.CLASSES, "ScaleShift": "scale_shift", "Dropping": "dropping"})


def graded(cls, name, folder, isolated):
    path = write(folder, f"{name}.py", standalone(cls, COMPONENTS[name].class_name))
    return grading.grade(path, name, RUBRIC, LIMITS, seed=7, isolated=isolated)


def failures(report):
    return [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "in-process"])
def test_a_correct_rank_4_layer_gets_full_marks(registered, tmp_path, isolated):
    report = graded(toys.ScaleShift, "scale_shift", tmp_path, isolated)
    assert report.status == "graded" and not failures(report), failures(report)
    assert report.score == report.max_score > 0
    assert report.variants[0].startswith("ScaleShift(")


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "in-process"])
def test_a_wrong_rank_4_gradient_loses_the_gradient_check(registered, tmp_path, isolated):
    report = graded(toys.ScaleShiftShiftOnePosition, "scale_shift", tmp_path, isolated)
    check = next(c for c in report.checks if c.name == "gradient")
    assert check.status == "failed" and "dshift[" in check.message


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "in-process"])
def test_a_stochastic_layer_is_graded_with_its_draw_held(registered, tmp_path, isolated):
    report = graded(toys.Dropping, "dropping", tmp_path, isolated)
    assert report.status == "graded" and not failures(report), failures(report)


def test_a_stochastic_layer_that_redraws_in_backward_loses_the_gradient_check(registered, tmp_path):
    report = graded(toys.DroppingRedraws, "dropping", tmp_path, True)
    check = next(c for c in report.checks if c.name == "gradient")
    assert check.status == "failed" and "dx[" in check.message


def test_the_proxy_reads_and_sets_the_childs_mode_and_restores_its_draw(registered, tmp_path):
    from checks.grading.places import places
    from checks.grading.process import Child
    from checks.grading.remote import Remote
    path = write(tmp_path, "dropping.py", standalone(toys.Dropping, "Dropping"))
    with Child([path], LIMITS, places(path), None) as child:
        remote = Remote(child)
        remote.load(child.files[0])
        layer = remote.implementation("Dropping", LAYER)(0.5, 1)
        assert layer.training is True
        state = layer.rng.getstate()
        first = layer.forward([[1.0, 2.0, 3.0, 4.0]])
        layer.rng.setstate(state)
        assert layer.forward([[1.0, 2.0, 3.0, 4.0]]) == first
        layer.training = False
        assert layer.training is False and layer.forward([[1.0, 2.0]]) == [[1.0, 2.0]]
        other = remote.implementation("Dropping", LAYER)(0.5, 1)
        other_state = other.rng.getstate()
    assert isinstance(state, int) and isinstance(other_state, int) and other_state != state


def test_the_proxy_of_a_layer_without_a_generator_has_no_draw_to_hold(registered, tmp_path):
    from checks.grading.places import places
    from checks.grading.process import Child
    from checks.grading.remote import Remote
    path = write(tmp_path, "scale_shift.py", standalone(toys.ScaleShift, "ScaleShift"))
    with Child([path], LIMITS, places(path), None) as child:
        remote = Remote(child)
        remote.load(child.files[0])
        layer = remote.implementation("ScaleShift", LAYER)(2)
        assert layer.rng.getstate() is None and layer.training is True
