"""Invariants of ReLU (specs/relu.md), on top of every layer's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import EXTREME, batches, batches_on_the_kink, matrices, positive_scalars, values


def outputs_are_nonnegative(subject):
    """Every output is >= 0."""

    @given(batches(elements=values(-EXTREME, EXTREME)))
    def holds(x):
        y = subject.make().forward(x)
        for i, row in enumerate(y):
            for j, v in enumerate(row):
                require(v >= 0.0, f"y[{i}][{j}] = {v!r} for x = {x[i][j]!r} is negative")

    holds()


def keeps_positive_entries_and_zeroes_the_rest(subject):
    """y = x where x > 0, and y = 0 where x <= 0 (x = 0 and x = -0.0 included)."""

    @given(batches_on_the_kink())
    def holds(x):
        y = subject.make().forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, (v, r) in enumerate(zip(x_row, y_row)):
                expected = v if v > 0.0 else 0.0
                require(r == expected, f"y[{i}][{j}] = {r!r} for x = {v!r}; expected {expected!r}")

    holds()


def is_idempotent(subject):
    """relu(relu(x)) = relu(x): applying ReLU twice changes nothing."""

    @given(batches_on_the_kink())
    def holds(x):
        y = subject.make().forward(x)
        require_close(subject.make().forward(y), y, "relu(relu(x)) should equal relu(x); relu(relu(x))", 0.0)

    holds()


def is_positively_homogeneous(subject):
    """relu(c x) = c relu(x) for every c > 0."""

    @given(batches_on_the_kink(), positive_scalars())
    def holds(x, c):
        y = subject.make().forward(x)
        scaled = subject.make().forward([[c * v for v in row] for row in x])
        require_close(scaled, [[c * v for v in row] for row in y],
                      f"with c = {c!r}, relu(c x) should equal c relu(x); relu(c x)", 1e-12)

    holds()


def derivative_is_1_above_0_and_0_at_and_below_the_kink(subject):
    """dx = dy where x > 0, and dx = 0 where x <= 0: the spec takes ReLU'(0) = 0 at the kink."""

    @given(batches_on_the_kink(), st.data())
    def holds(x, data):
        layer = subject.make()
        layer.forward(x)
        dy = data.draw(matrices(len(x), len(x[0])))
        dx = layer.backward(dy)
        for i, (x_row, g_row, d_row) in enumerate(zip(x, dy, dx)):
            for j, (v, g, d) in enumerate(zip(x_row, g_row, d_row)):
                if v == 0.0:
                    require(d == 0.0, f"x[{i}][{j}] = {v!r} is the kink; the spec takes ReLU'(0) = 0, so dx[{i}][{j}] "
                                      f"should be 0.0 for dy = {g!r}, got {d!r} (use x > 0, not x >= 0)")
                expected = g if v > 0.0 else 0.0
                require(d == expected, f"dx[{i}][{j}] = {d!r} for x = {v!r}, dy = {g!r}; expected {expected!r}")

    holds()


PROPERTIES = [*EVERY_LAYER, outputs_are_nonnegative, keeps_positive_entries_and_zeroes_the_rest, is_idempotent,
              is_positively_homogeneous, derivative_is_1_above_0_and_0_at_and_below_the_kink]
