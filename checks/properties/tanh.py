"""Invariants of Tanh (specs/tanh.md), on top of every layer's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import EXTREME, batches, ordered_batch_pairs, values

SATURATION = 15.0  # for |x| <= 15, tanh(x) is strictly inside (-1, 1) in double precision


def is_odd(subject):
    """tanh(-x) = -tanh(x), entry by entry."""

    @given(batches())
    def holds(x):
        y = subject.make().forward(x)
        mirrored = subject.make().forward([[-v for v in row] for row in x])
        require_close(mirrored, [[-t for t in row] for row in y], "tanh(-x) should equal -tanh(x); tanh(-x)", 1e-12)

    holds()


def outputs_lie_between_minus_1_and_1(subject):
    """Every output lies in [-1, 1], and strictly inside for |x| <= 15."""

    @given(batches(elements=st.one_of(values(-2 * SATURATION, 2 * SATURATION), values(-EXTREME, EXTREME))))
    def holds(x):
        y = subject.make().forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, (v, t) in enumerate(zip(x_row, y_row)):
                require(-1.0 <= t <= 1.0, f"y[{i}][{j}] = {t!r} for x = {v!r} is outside [-1, 1]")
                require(abs(v) > SATURATION or -1.0 < t < 1.0,
                        f"y[{i}][{j}] = {t!r} for x = {v!r} should be strictly inside (-1, 1)")

    holds()


def derivative_is_1_at_0_and_between_0_and_1(subject):
    """dx = dy * tanh'(x) with 0 <= tanh'(x) <= 1, and tanh'(0) = 1 exactly."""

    @given(batches())
    def holds(x):
        layer = subject.make()
        layer.forward(x)
        slopes = layer.backward([[1.0] * len(row) for row in x])
        for i, (x_row, row) in enumerate(zip(x, slopes)):
            for j, (v, d) in enumerate(zip(x_row, row)):
                require(0.0 <= d <= 1.0, f"tanh'(x) at [{i}][{j}] (x = {v!r}) is {d!r}; it should lie in [0, 1] "
                                         "(tanh' = 1 - y^2 in terms of the output y, not of the input x)")
        layer.forward([[0.0]])
        require_close(layer.backward([[1.0]]), [[1.0]], "tanh'(0) should be exactly 1; got dx", 1e-15)

    holds()


def is_monotone(subject):
    """x1 <= x2 entry by entry gives tanh(x1) <= tanh(x2)."""

    @given(ordered_batch_pairs())
    def holds(pair):
        x1, x2 = pair
        y1, y2 = subject.make().forward(x1), subject.make().forward(x2)
        for i, (r1, r2) in enumerate(zip(y1, y2)):
            for j, (t1, t2) in enumerate(zip(r1, r2)):
                require(t1 <= t2, f"x1[{i}][{j}] = {x1[i][j]!r} <= x2[{i}][{j}] = {x2[i][j]!r}, but "
                                  f"tanh gave {t1!r} > {t2!r}")

    holds()


PROPERTIES = [*EVERY_LAYER, is_odd, outputs_lie_between_minus_1_and_1, derivative_is_1_at_0_and_between_0_and_1,
              is_monotone]
