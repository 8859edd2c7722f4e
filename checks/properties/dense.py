"""Invariants of Dense (specs/dense.md), on top of every layer's rules.

D and M are read from the layer's own W (D, M); the checks build a non-square
Dense, so a transposed matrix has the wrong shape.
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close, require_same_shape
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, require_affine, snapshot
from checks.strategies import batches, matrices, scalars, sizes, vectors


def dimensions(layer):
    """(D, M) of a Dense layer, from its own W (D, M)."""
    w = layer.params["W"]
    return len(w), len(w[0])


def total(a, b):
    """sum_ij a_ij b_ij of two matrices (N, M)."""
    return sum(u * v for a_row, b_row in zip(a, b) for u, v in zip(a_row, b_row))


def output_is_affine_in_x(subject):
    """y(a x1 + (1 - a) x2) = a y(x1) + (1 - a) y(x2) for every number a: y is affine in x."""
    d, m = dimensions(subject.make())

    @given(batches(d, min_rows=2), scalars(), vectors(m), st.data())
    def holds(x1, a, b, data):
        x2 = data.draw(matrices(len(x1), d))
        layer = subject.make()
        layer.params["b"][:] = b
        require_affine(layer, x1, x2, a)

    holds()


def a_zero_input_gives_b_in_every_row(subject):
    """A zero row of x gives y = b in that row, and a row with a single 1 at column j gives W[j] + b."""
    d, m = dimensions(subject.make())

    @given(sizes(2), vectors(m))
    def holds(n, b):
        layer = subject.make()
        layer.params["b"][:] = b
        y = layer.forward([[0.0] * d for _ in range(n)])
        for i in range(n):
            require_close(y[i], b, f"for a zero input row, y[{i}] should be b = {b!r} (is b added to every row?); "
                                   f"y[{i}]")
        y = layer.forward([[1.0 if k == j else 0.0 for k in range(d)] for j in range(d)])
        for j, w_row in enumerate(layer.params["W"]):
            require_close(y[j], [w + v for w, v in zip(w_row, b)],
                          f"for the input row with a 1 at column {j} and 0 elsewhere, y should be W[{j}] + b; y[{j}]")

    holds()


def dx_does_not_depend_on_x(subject):
    """dx = dy W^T whatever x is: the same dy gives the same dx, and a 1 at column j of dy gives column j of W."""
    d, m = dimensions(subject.make())

    @given(batches(d, min_rows=2), st.data())
    def holds(x1, data):
        n = len(x1)
        x2, dy = data.draw(matrices(n, d)), data.draw(matrices(n, m))
        layer = subject.make()
        layer.forward(x1)
        dx1 = layer.backward(dy)
        layer.forward(x2)
        require_close(layer.backward(dy), dx1, "the same dy after forward(x2) instead of forward(x1) changed dx", 1e-12)
        for j in range(m):
            dx = layer.backward([[1.0 if k == j else 0.0 for k in range(m)] for _ in range(n)])
            column = [w_row[j] for w_row in layer.params["W"]]
            for i in range(n):
                require_close(dx[i], column, f"for dy with a 1 at column {j} of every row, dx[{i}] should be "
                                             f"column {j} of W (the Jacobian is W^T); dx[{i}]", 1e-12)

    holds()


def adding_a_row_adds_its_dy_to_db_and_its_outer_product_to_dW(subject):
    """Appending a row (x_new, dy_new) to the batch adds dy_new to db and x_new^T dy_new to dW."""
    d, m = dimensions(subject.make())

    @given(batches(d, min_rows=2), vectors(d), vectors(m), st.data())
    def holds(x, x_new, dy_new, data):
        dy = data.draw(matrices(len(x), m))
        layer = subject.make()
        layer.forward(x)
        layer.backward(dy)
        before = snapshot(layer)
        layer.forward(x + [x_new])
        layer.backward(dy + [dy_new])
        require_close(layer.grads["b"], [b + g for b, g in zip(before["b"], dy_new)],
                      f"appending a row to a batch of {len(x)} should add that row's dy to db (db sums dy over the "
                      "rows); grads['b']", 1e-9)
        outer = [[w + v * g for w, g in zip(w_row, dy_new)] for w_row, v in zip(before["W"], x_new)]
        require_close(layer.grads["W"], outer, f"appending a row to a batch of {len(x)} should add x_new^T dy_new "
                                               "(D, M) to dW; grads['W']", 1e-9)

    holds()


def gradients_predict_the_change_of_y_times_dy(subject):
    """Moving W by E changes sum(y * dy) by exactly sum(E * dW), and moving b by e by sum(e * db).

    Exactly, not to first order: y is affine in W and in b.
    """
    d, m = dimensions(subject.make())

    @given(batches(d, min_rows=2), matrices(d, m, scalars()), vectors(m, scalars()), st.data())
    def holds(x, e_w, e_b, data):
        dy = data.draw(matrices(len(x), m))
        layer = subject.make()
        start = total(layer.forward(x), dy)
        layer.backward(dy)
        for name in ("W", "b"):
            require_same_shape(layer.grads[name], layer.params[name], f"grads['{name}']", f"params['{name}']")
        for w_row, e_row in zip(layer.params["W"], e_w):
            w_row[:] = [w + e for w, e in zip(w_row, e_row)]
        moved = total(layer.forward(x), dy)
        _require_change(moved - start, total(e_w, layer.grads["W"]), "W by E", "sum(E * dW)", start, moved)
        layer.params["b"][:] = [b + e for b, e in zip(layer.params["b"], e_b)]
        after = total(layer.forward(x), dy)
        _require_change(after - moved, total([e_b], [layer.grads["b"]]), "b by e", "sum(e * db)", moved, after)

    holds()


def _require_change(change, predicted, move, formula, *scale):
    tolerance = 1e-9 * (1.0 + max(abs(v) for v in scale))
    require(abs(change - predicted) <= tolerance,
            f"moving {move} changed sum(y * dy) by {change!r}, but {formula} = {predicted!r} (tolerance "
            f"{tolerance:.1e}); a gradient with a wrong factor, a missing sum or a transposed dy gives this")


PROPERTIES = [
    *EVERY_LAYER, *WITH_PARAMS,
    output_is_affine_in_x,
    a_zero_input_gives_b_in_every_row,
    dx_does_not_depend_on_x,
    adding_a_row_adds_its_dy_to_db_and_its_outer_product_to_dW,
    gradients_predict_the_change_of_y_times_dy,
]
