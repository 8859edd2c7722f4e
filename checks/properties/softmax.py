"""Invariants of Softmax (specs/softmax.md), on top of every layer's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import PropertyFailure, require, require_close
from checks.properties.layers import EVERY_LAYER, upstream
from checks.strategies import EXTREME, batches, shifts, tied_values, values


def rows_are_positive_and_sum_to_1(subject):
    """Every output is positive and every row of y sums to 1 (for inputs of moderate size)."""

    @given(batches())
    def holds(x):
        y = subject.make().forward(x)
        for i, row in enumerate(y):
            for j, p in enumerate(row):
                require(p > 0.0, f"y[{i}][{j}] = {p!r} for x[{i}] = {x[i]!r} should be positive")
            require_close(sum(row), 1.0, f"row {i} of y should sum to 1; the sum", 1e-12)

    holds()


def adding_a_constant_to_a_row_changes_nothing(subject):
    """softmax(x + c) = softmax(x) for a constant c added to a whole row (c up to 1e3), and so is dx."""

    @given(batches(), st.data())
    def holds(x, data):
        c = [data.draw(shifts()) for _ in x]
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        dx = layer.backward(dy)
        shifted = [[v + c_i for v in row] for row, c_i in zip(x, c)]
        try:
            y_shifted = layer.forward(shifted)
        except ArithmeticError as e:  # OverflowError, or ZeroDivisionError when every exp underflows to 0
            raise PropertyFailure(f"forward(x + c) with the row constants c = {c!r} raised {type(e).__name__} ({e}); "
                                  "subtract each row's maximum before exp") from e
        require_close(y_shifted, y, f"after adding the constants {c!r} to the rows of x, y", 1e-9)
        require_close(layer.backward(dy), dx, f"after adding the constants {c!r} to the rows of x, dx", 1e-9)

    holds()


def preserves_the_order_within_a_row(subject):
    """Within a row, x_ij < x_ik gives y_ij <= y_ik, and equal inputs give equal outputs."""

    @given(batches(elements=tied_values()))
    def holds(x):
        y = subject.make().forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, k in ((j, k) for j in range(len(x_row)) for k in range(len(x_row)) if x_row[j] <= x_row[k]):
                ok = y_row[j] <= y_row[k] if x_row[j] < x_row[k] else y_row[j] == y_row[k]
                require(ok, f"x[{i}][{j}] = {x_row[j]!r} <= x[{i}][{k}] = {x_row[k]!r}, but y[{i}][{j}] = "
                            f"{y_row[j]!r} and y[{i}][{k}] = {y_row[k]!r} are in the other order or unequal")

    holds()


def each_row_of_dx_sums_to_0(subject):
    """Every row of dx sums to 0: adding a constant to a row changes no output, so its direction has no gradient."""

    @given(batches(), st.data())
    def holds(x, data):
        layer = subject.make()
        dy = upstream(data.draw, layer.forward(x))
        for i, row in enumerate(layer.backward(dy)):
            scale = 1.0 + sum(abs(g) for g in dy[i])
            require(abs(sum(row)) <= 1e-12 * scale,
                    f"row {i} of dx sums to {sum(row)!r}, expected 0 (tolerance {1e-12 * scale:.1e}); "
                    "is the term - sum_k dy_k y_k of dx_j = y_j (dy_j - sum_k dy_k y_k) missing?")

    holds()


def a_single_column_gives_1_and_dx_0(subject):
    """For a one-column input every output is 1.0 and dx is 0, whatever x (up to 1e4) and dy are."""

    @given(batches(columns=1, elements=values(-EXTREME, EXTREME)), st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require_close(y, [[1.0] for _ in x], "for a one-column x, y", 1e-15)
        require_close(layer.backward(upstream(data.draw, y)), [[0.0] for _ in x], "for a one-column x, dx", 1e-15)

    holds()


PROPERTIES = [*EVERY_LAYER, rows_are_positive_and_sum_to_1, adding_a_constant_to_a_row_changes_nothing,
              preserves_the_order_within_a_row, each_row_of_dx_sums_to_0, a_single_column_gives_1_and_dx_0]
