"""Invariants of LayerNorm (specs/layer_norm.md), on top of every layer's rules.

The layers come from subject.make(): D features as its inputs have, gamma and beta seeded away from 1 and 0 (a
missing gamma factor hides behind gamma = 1).
"""

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.batch_norm import EPS, mean, require_sums_of_0, variance
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, upstream
from checks.strategies import matrices, scalars, sizes, values

SPREAD = [0.0, 3.0, -3.0, 6.0, -6.0, 9.0, -9.0]  # added to entries in [-1, 1], a row of D >= 2 gets a variance above 1


@st.composite
def spread_batches(draw, d):
    """x (N, D) whose rows have a variance above 1 (for D >= 2), where eps moves the output by less than 1e-5."""
    x = draw(matrices(draw(sizes()), d, values(-1.0, 1.0)))
    return [[v + s for v, s in zip(row, SPREAD)] for row in x]


def normalized_rows(layer, y):
    """xhat = (y - beta) / gamma, read back from the output."""
    gamma, beta = layer.params["gamma"], layer.params["beta"]
    return [[(v - b) / g for v, g, b in zip(row, gamma, beta)] for row in y]


def rows_are_normalized(subject):
    """Each row of xhat = (y - beta) / gamma has mean 0 and variance var / (var + eps), var that of the row of x."""

    @given(subject.inputs)
    def holds(x):
        layer = subject.make()
        for i, (row, h) in enumerate(zip(x, normalized_rows(layer, layer.forward(x)))):
            require(abs(mean(h)) <= 1e-9, f"row {i} of (y - beta) / gamma has mean {mean(h)!r}, not 0: subtract the "
                                          "mean of the row (over its D features, not over the batch)")
            want = variance(row) / (variance(row) + EPS)
            require(abs(variance(h) - want) <= 1e-9, f"row {i} of (y - beta) / gamma has variance {variance(h)!r}, "
                                                     f"not var / (var + eps) = {want!r}: divide by sqrt(var + eps), "
                                                     "var the biased variance of the row")

    holds()


def shifting_or_scaling_a_row_leaves_its_output_unchanged(subject):
    """Adding a constant to a row of x, or multiplying it by a positive number, leaves y unchanged (up to eps)."""

    @given(spread_batches(len(subject.make().params["gamma"])), scalars(-5.0, 5.0), scalars(1.0, 3.0))
    def holds(x, shift, scale):
        layer = subject.make()
        y = layer.forward(x)
        require_close(layer.forward([[v + shift for v in row] for row in x]), y,
                      f"after adding {shift!r} to every row, y", 1e-9)
        require_close(layer.forward([[v * scale for v in row] for row in x]), y,
                      f"after multiplying every row by {scale!r}, y", 1e-5)

    holds()


def dx_sums_to_zero_in_every_row(subject):
    """sum_j dx_ij = 0 for every row i and every dy: the path through the row's mean takes out what moves the
    whole row."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require_sums_of_0(layer.backward(upstream(data.draw, y)), "row", "row's")

    holds()


def evaluation_computes_the_same(subject):
    """LayerNorm has no batch statistics: training = False gives the same y and dx as training."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        dx = layer.backward(dy)
        layer.training = False
        require_close(layer.forward(x), y, "in evaluation, y", 0.0)
        require_close(layer.backward(dy), dx, "in evaluation, dx", 0.0)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, rows_are_normalized, shifting_or_scaling_a_row_leaves_its_output_unchanged,
              dx_sums_to_zero_in_every_row, evaluation_computes_the_same]
