"""Invariants of Sigmoid (specs/sigmoid.md), on top of every layer's rules."""
from hypothesis import given

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import EXTREME, batches, values


def outputs_lie_between_0_and_1(subject):
    """Every output lies in [0, 1], and strictly inside for |x| <= 30."""

    @given(batches(elements=values(-EXTREME, EXTREME)))
    def holds(x):
        y = subject.make().forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, (v, s) in enumerate(zip(x_row, y_row)):
                require(0.0 <= s <= 1.0, f"y[{i}][{j}] = {s!r} for x = {v!r} is outside [0, 1]")
                require(abs(v) > 30 or 0.0 < s < 1.0, f"y[{i}][{j}] = {s!r} for x = {v!r} should be strictly inside (0, 1)")

    holds()


def is_symmetric_about_one_half(subject):
    """sigma(-x) = 1 - sigma(x), entry by entry."""

    @given(batches())
    def holds(x):
        y = subject.make().forward(x)
        mirrored = subject.make().forward([[-v for v in row] for row in x])
        require_close(mirrored, [[1.0 - s for s in row] for row in y], "sigma(-x) against 1 - sigma(x) at ", 1e-12)

    holds()


def derivative_is_largest_at_0(subject):
    """dx = dy * sigma'(x) with 0 <= sigma'(x) <= 1/4, and sigma'(0) = 1/4 exactly."""

    @given(batches())
    def holds(x):
        layer = subject.make()
        layer.forward(x)
        ones = [[1.0] * len(row) for row in x]
        slopes = layer.backward(ones)
        for i, row in enumerate(slopes):
            for j, d in enumerate(row):
                require(0.0 <= d <= 0.25, f"sigma'(x) at [{i}][{j}] is {d!r}; it should lie in [0, 1/4]")
        layer.forward([[0.0]])
        require_close(layer.backward([[1.0]]), [[0.25]], "sigma'(0) should be exactly 1/4; got dx", 1e-15)

    holds()


PROPERTIES = [*EVERY_LAYER, outputs_lie_between_0_and_1, is_symmetric_about_one_half, derivative_is_largest_at_0]
