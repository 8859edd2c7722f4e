"""Flatten reads each example in row-major order and backward puts the gradient back (specs/flatten.md)."""
import pytest

import reference
from checks.components import COMPONENTS
from checks.gradcheck import check_layer
from checks.properties import run, suite
from checks.suite import gradient_reports
from tests import planted_convolution as planted

X = [[[[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], [[-0.3, 0.8, 1.1], [2.2, -1.7, 0.4]]]]  # (1, 2, 2, 3)


def test_row_major_order_on_a_non_square_example():
    assert reference.Flatten().forward(X) == [[0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -0.3, 0.8, 1.1, 2.2, -1.7, 0.4]]


def test_ranks_2_and_3_are_taken():
    layer = reference.Flatten()
    assert layer.forward([[1.0, 2.0], [3.0, 4.0]]) == [[1.0, 2.0], [3.0, 4.0]]
    assert layer.forward([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]) == [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]
    assert layer.backward([[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]]) == [[[6.0, 5.0], [4.0, 3.0], [2.0, 1.0]]]


@pytest.mark.parametrize("x, got", [([], "list"), ([1.0, 2.0], "a vector"), (3.0, "float"), ((1.0,), "tuple")])
def test_a_batch_that_is_not_a_list_of_examples_is_refused_naming_the_rule(x, got):
    with pytest.raises(ValueError) as refused:
        reference.Flatten().forward(x)
    assert str(refused.value) == f"Flatten: x must be a batch (N, ...) of N >= 1 examples, each a list, got {got}"


def test_a_dy_of_the_wrong_width_is_refused_naming_the_rule():
    layer = reference.Flatten()
    layer.forward(X)
    with pytest.raises(ValueError, match=r"must have the 12 entries of a flattened example \(2, 2, 3\), got rows of \[11\]"):
        layer.backward([[0.0] * 11])


def test_the_reference_passes_its_gradient_check_and_its_properties():
    assert all(r.passed for r in gradient_reports(COMPONENTS["flatten"])), "Flatten fails its gradient check"
    subject = COMPONENTS["flatten"].subject()
    failed = [o for o in (run(p, subject) for p in suite("flatten")) if not o.passed]
    assert not failed, failed


def test_a_column_major_flatten_passes_the_gradient_check_so_only_the_order_property_can_see_it():
    assert check_layer(planted.FlattenColumnMajor(), X, "flatten").passed
    prop = next(p for p in suite("flatten") if p.__name__ == "reads_each_example_in_row_major_order")
    outcome = run(prop, COMPONENTS["flatten"].subject(planted.FlattenColumnMajor))
    assert not outcome.passed
    assert "not the first (that is column-major)" in outcome.message


def test_a_backward_in_the_other_order_fails_the_gradient_check_at_dx():
    report = check_layer(planted.FlattenBackwardColumnMajor(), X, "flatten")
    assert not report.passed
    assert "  dx" in report.message()
