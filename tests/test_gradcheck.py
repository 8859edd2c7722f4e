"""The gradient check fails on every planted bug, names where, and never fails a correct layer at a kink."""
import random

import pytest

import reference
from checks.components import COMPONENTS, LAYER, LOSS
from checks.gradcheck import check_layer, check_loss
from checks.suite import gradient_reports
from tests import planted


@pytest.mark.parametrize("bug", planted.GRADIENT_BUGS, ids=lambda c: c.__name__)
def test_every_planted_gradient_bug_fails_and_names_its_block(bug):
    reports = gradient_reports(COMPONENTS[bug.component], bug)
    failing = [r for r in reports if not r.passed]
    assert failing, f"{bug.__name__} ({bug.__doc__}) passed the gradient check"
    message = failing[0].message()
    assert f"{bug.component}: gradient check failed" in message
    assert f"  {bug.block}" in message, message
    assert f"specs/{bug.component}.md" in message


@pytest.mark.parametrize("name", [n for n, c in COMPONENTS.items() if c.kind in (LAYER, LOSS)])
def test_reference_passes_at_every_point(name):
    for report in gradient_reports(COMPONENTS[name]):
        assert report.passed, report.message()


def test_failure_lists_analytic_numeric_error_and_tolerance():
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    message = check_layer(planted.DenseSignFlip(3, 2), x, "dense").message()
    line = next(line for line in message.splitlines() if line.strip().startswith("dW["))
    for word in ("analytic", "numeric", "error", "> tolerance", "relative error"):
        assert word in line, line


def test_square_transposed_weight_gradient_is_caught_by_value():
    layer = planted.DenseTransposed(3, 3, seed=2)
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    report = check_layer(layer, x, "dense")
    assert not report.passed
    assert any(b.name == "dW" and b.failures for b in report.blocks)


def test_wrong_gradient_shape_is_a_problem_not_a_crash():
    report = check_layer(planted.DenseTransposed(3, 2), [[1.0, 2.0, 3.0]], "dense")
    dw = next(b for b in report.blocks if b.name == "dW")
    assert dw.problem == "shape (2, 3); it must have the shape (3, 2) of W"
    assert "dW: shape (2, 3); it must have the shape (3, 2) of W" in report.message()


def test_a_layer_that_raises_gets_a_report():
    class Broken(reference.ReLU):
        def backward(self, dy):
            raise ZeroDivisionError("oops")

    report = check_layer(Broken(), [[1.0, -1.0]], "relu")
    assert not report.passed
    assert report.problem == "ZeroDivisionError raised while checking: oops"


def test_forward_with_the_wrong_number_of_rows_is_reported():
    class Rows(reference.Identity):
        def forward(self, x):
            return super().forward(x)[:1]

    report = check_layer(Rows(), [[1.0], [2.0]], "identity")
    assert report.problem.startswith("forward should return 2 rows of floats")


def test_a_loss_returning_nan_is_reported():
    class NaNLoss(reference.MSE):
        def forward(self, y_pred, y_true):
            super().forward(y_pred, y_true)
            return float("nan")

    report = check_loss(NaNLoss(), [[1.0]], [[2.0]], "mse")
    assert report.problem == "forward should return a finite float, got nan"


def test_the_checker_counts_calls():
    report = check_layer(reference.Dense(3, 2), [[1.0, 2.0, 3.0]], "dense")
    entries = 3 + 6 + 2
    # probes: a warm-up forward and backward at another input, the forward and backward that are checked, a
    # repeated backward, a repeated forward, and forward and backward at two extreme inputs (+-1e4)
    probe_forward = probe_backward = 5
    shared = 1  # f at the unperturbed point, computed once for every entry
    assert report.calls == {"forward": probe_forward + shared + 4 * entries, "backward": probe_backward}
    assert f"Calls: {report.calls['forward']} forward, 5 backward." in check_layer(
        planted.DenseSignFlip(3, 2), [[1.0, 2.0, 3.0]], "dense").message()


class PairMax:
    """y = max(x_0, x_1), row by row: a correct max-like layer whose kink is at a tie."""

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[max(row[0], row[1])] for row in x]

    def backward(self, dy):
        return [[g[0], 0.0] if row[0] >= row[1] else [0.0, g[0]] for g, row in zip(dy, self.x)]


def near_kink(rng):
    """A value on the kink at 0 or within two steps of it, on either side."""
    return rng.choice([0.0, rng.uniform(-1.6e-5, 1.6e-5), rng.uniform(-2e-6, 2e-6), rng.gauss(0.0, 1.0)])


@pytest.mark.parametrize("make", [reference.ReLU, lambda: reference.LeakyReLU(0.1), reference.LeakyReLU, PairMax],
                         ids=["relu", "leaky_relu_0.1", "leaky_relu_default", "pair_max"])
def test_no_false_failures_at_and_near_kinks_over_1000_seeds(make):
    kinks = 0
    for seed in range(1000):
        rng = random.Random(seed)
        x = [[near_kink(rng) for _ in range(2)] for _ in range(3)]
        if make is PairMax:
            x = [[row[0], row[0] + near_kink(rng)] for row in x]
        report = check_layer(make(), x, "kinks", seed=seed)
        assert report.passed, f"seed {seed}: {report.message()}"
        kinks += len(report.kinks)
    assert kinks > 500  # the points really did sit on kinks


def test_kink_entries_are_reported_as_kinks_not_failures():
    report = check_layer(reference.ReLU(), [[0.0, 1.0], [-1.0, 0.0]], "relu")
    assert report.passed
    assert sorted(e.index for e in report.kinks) == [(0, 0), (1, 1)]
    assert "2 kink entries" in report.message()


def test_a_wrong_slope_at_a_kink_still_fails():
    class HalfSlope(reference.ReLU):
        def backward(self, dy):
            return [[g if v > 0 else -0.5 * g for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]

    report = check_layer(HalfSlope(), [[0.0, 1.0], [-1.0, 2.0]], "relu")
    assert not report.passed
    assert {e.index for e in report.blocks[0].failures} == {(0, 0), (1, 0)}
