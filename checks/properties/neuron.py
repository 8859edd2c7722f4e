"""Invariants of Neuron (specs/neuron.md), on top of every layer's rules.

D is read from the neuron's own w (D,). The first two properties call forward
only: step 1 of the course (specs/course.md) grades them before derivatives
are taught.
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close, require_same_shape
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, require_affine, snapshot
from checks.strategies import batches, matrices, scalars, sizes, values, vectors


def inputs(neuron):
    """D, the number of inputs of a neuron, from its own w (D,)."""
    return len(neuron.params["w"])


def output_is_one_column_affine_in_x(subject):
    """y has one column, and y(a x1 + (1 - a) x2) = a y(x1) + (1 - a) y(x2) for every number a."""
    d = inputs(subject.make())

    @given(batches(d, min_rows=2), scalars(), values(), st.data())
    def holds(x1, a, b, data):
        x2 = data.draw(matrices(len(x1), d))
        neuron = subject.make()
        neuron.params["b"][:] = [b]
        y1 = neuron.forward(x1)
        require(all(isinstance(row, list) and len(row) == 1 for row in y1),
                f"forward should give one number per row, as a row of one: y (N, 1); got {y1!r}")
        require_affine(neuron, x1, x2, a)

    holds()


def a_zero_input_gives_b_and_a_one_hot_input_gives_w_d_plus_b(subject):
    """A zero row of x gives y = b, and a row with a single 1 at column d gives y = w_d + b."""
    d = inputs(subject.make())

    @given(sizes(2), vectors(d), values())
    def holds(n, w, b):
        neuron = subject.make()
        neuron.params["w"][:] = w
        neuron.params["b"][:] = [b]
        y = neuron.forward([[0.0] * d for _ in range(n)])
        for i in range(n):
            require_close(y[i], [b], f"for a zero input row, y[{i}] should be [b] = [{b!r}] (is b added?); y[{i}]")
        y = neuron.forward([[1.0 if k == j else 0.0 for k in range(d)] for j in range(d)])
        for j in range(d):
            require_close(y[j], [w[j] + b], f"for the input row with a 1 at column {j} and 0 elsewhere, y should be "
                                            f"[w[{j}] + b]; y[{j}]")

    holds()


def dx_is_dy_times_w_whatever_x_is(subject):
    """dx = dy w^T: the same dy gives the same dx after any forward, and row n of dx is dy_n times w."""
    d = inputs(subject.make())

    @given(batches(d, min_rows=2), st.data())
    def holds(x1, data):
        n = len(x1)
        x2, dy = data.draw(matrices(n, d)), data.draw(matrices(n, 1))
        neuron = subject.make()
        neuron.forward(x1)
        dx = neuron.backward(dy)
        neuron.forward(x2)
        require_close(neuron.backward(dy), dx, "the same dy after forward(x2) instead of forward(x1) changed dx",
                      1e-12)
        w = neuron.params["w"]
        for i in range(n):
            require_close(dx[i], [dy[i][0] * w_d for w_d in w], f"row {i} of dx should be dy[{i}] times w (dL/dx = "
                                                                f"dy . w^T); dx[{i}]", 1e-12)

    holds()


def adding_a_row_adds_its_dy_times_x_to_dw_and_its_dy_to_db(subject):
    """Appending a row (x_new, dy_new) to the batch adds dy_new x_new to dw and dy_new to db."""
    d = inputs(subject.make())

    @given(batches(d, min_rows=2), vectors(d), values(), st.data())
    def holds(x, x_new, g_new, data):
        dy = data.draw(matrices(len(x), 1))
        neuron = subject.make()
        neuron.forward(x)
        neuron.backward(dy)
        before = snapshot(neuron)
        neuron.forward(x + [x_new])
        neuron.backward(dy + [[g_new]])
        require_close(neuron.grads["b"], [before["b"][0] + g_new],
                      f"appending a row to a batch of {len(x)} should add that row's dy to db (db sums dy over the "
                      "rows); grads['b']", 1e-9)
        require_close(neuron.grads["w"], [w + g_new * v for w, v in zip(before["w"], x_new)],
                      f"appending a row to a batch of {len(x)} should add dy_new x_new to dw (dw sums dy_n x_n over "
                      "the rows); grads['w']", 1e-9)

    holds()


def gradients_predict_the_change_of_y_times_dy(subject):
    """Moving w by e changes sum(y * dy) by exactly sum(e * dw), and moving b by c by c * db.

    Exactly, not to first order: y is affine in w and in b.
    """
    d = inputs(subject.make())

    @given(batches(d, min_rows=2), vectors(d, scalars()), scalars(), st.data())
    def holds(x, e, c, data):
        dy = data.draw(matrices(len(x), 1))
        neuron = subject.make()
        start = total(neuron.forward(x), dy)
        neuron.backward(dy)
        for name in ("w", "b"):
            require_same_shape(neuron.grads[name], neuron.params[name], f"grads['{name}']", f"params['{name}']")
        neuron.params["w"][:] = [w + e_d for w, e_d in zip(neuron.params["w"], e)]
        moved = total(neuron.forward(x), dy)
        predicted = sum(e_d * g for e_d, g in zip(e, neuron.grads["w"]))
        _require_change(moved - start, predicted, "w by e", "sum(e * dw)", start, moved)
        neuron.params["b"][:] = [neuron.params["b"][0] + c]
        after = total(neuron.forward(x), dy)
        _require_change(after - moved, c * neuron.grads["b"][0], "b by c", "c * db", moved, after)

    holds()


def total(a, b):
    """sum_n a_n0 b_n0 of two columns (N, 1)."""
    return sum(u[0] * v[0] for u, v in zip(a, b))


def _require_change(change, predicted, move, formula, *scale):
    tolerance = 1e-9 * (1.0 + max(abs(v) for v in scale))
    require(abs(change - predicted) <= tolerance,
            f"moving {move} changed sum(y * dy) by {change!r}, but {formula} = {predicted!r} (tolerance "
            f"{tolerance:.1e}); a gradient with a wrong factor, a wrong sign or a missing sum gives this")


PROPERTIES = [
    *EVERY_LAYER, *WITH_PARAMS,
    output_is_one_column_affine_in_x,
    a_zero_input_gives_b_and_a_one_hot_input_gives_w_d_plus_b,
    dx_is_dy_times_w_whatever_x_is,
    adding_a_row_adds_its_dy_times_x_to_dw_and_its_dy_to_db,
    gradients_predict_the_change_of_y_times_dy,
]
