"""Correct implementations written differently from reference/ never fail the gradient check, full or fast."""
import random

import pytest

from checks.components import COMPONENTS, LAYER
from checks.gradcheck import check_layer, check_loss
from tests.correct_implementations import CORRECT, LeakyReLUOneAtZero, ReLUFromOutput, ReLUHalfAtZero, ReLUOneAtZero

POINTS = 10  # check points per implementation, drawn as make check draws them (kinks included for ReLU)


def check(implementation, seed, fast):
    component = COMPONENTS[implementation.component]
    point = component.points(random.Random(seed))
    obj = component.build(implementation)
    if component.kind == LAYER:
        return check_layer(obj, point, component.name, seed=seed, fast=fast)
    return check_loss(obj, *point, component=component.name, seed=seed, fast=fast)


@pytest.mark.parametrize("implementation", CORRECT, ids=lambda c: c.__name__)
@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_a_correct_implementation_passes_with_no_diagnosis(implementation, fast):
    for seed in range(POINTS):
        report = check(implementation, seed, fast)
        assert report.passed, f"{implementation.__name__}, point {seed}: {report.message()}"
        assert report.diagnosis is None and not report.findings


def test_there_are_at_least_ten_across_layers_and_losses():
    assert len(CORRECT) >= 10
    assert {COMPONENTS[c.component].kind for c in CORRECT} == {"layer", "loss"}


def near_kink(rng):
    return rng.choice([0.0, rng.uniform(-1.6e-5, 1.6e-5), rng.uniform(-2e-6, 2e-6), rng.gauss(0.0, 1.0)])


@pytest.mark.parametrize("make", [ReLUOneAtZero, ReLUHalfAtZero, ReLUFromOutput, lambda: LeakyReLUOneAtZero(0.1)],
                         ids=["relu'(0)=1", "relu'(0)=1/2", "relu_from_output", "leaky_relu'(0)=1"])
def test_other_kink_conventions_never_fail_over_1000_seeds(make):
    for seed in range(1000):
        rng = random.Random(seed)
        x = [[near_kink(rng) for _ in range(2)] for _ in range(3)]
        report = check_layer(make(), x, "kinks", seed=seed)
        assert report.passed, f"seed {seed}: {report.message()}"
