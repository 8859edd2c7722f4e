"""Rules of specs/protocol.md that every layer keeps, whatever it computes."""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.held import held
from checks.properties import finite, independent_rows, require, require_close, require_same_shape
from checks.strategies import scalars, tensors


def upstream(draw, y):
    """A random dy with the shape of the output y: (N, M), (N, T, M), (N, C, H, W), ..."""
    return draw(tensors(nested.shape(y)))


def snapshot(layer):
    return {name: nested.copy(value) for name, value in layer.grads.items()}


def output_has_one_row_per_input_row(subject):
    """forward(x) returns one row of floats per row of x, and backward(dy) returns dx with the shape of x."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require(isinstance(y, list) and len(y) == len(x),
                f"forward returned {len(y) if isinstance(y, list) else type(y).__name__} rows for a batch of {len(x)}")
        require(all(isinstance(row, list) and row and len(row) == len(y[0]) for row in y),
                "forward should return rows of equal, non-zero length")
        dx = layer.backward(upstream(data.draw, y))
        require_same_shape(dx, x, "dx (the result of backward)", "x")
        for name, value in layer.params.items():
            require(name in layer.grads, f"after backward, grads has no entry '{name}' for params['{name}']")
            require_same_shape(layer.grads[name], value, f"grads['{name}']", f"params['{name}']")
        extra = [name for name in layer.grads if name not in layer.params]
        require(not extra, f"after backward, grads has entries that params has not: {extra}; grads holds the keys of "
                           "params and no others")

    holds()


def backward_is_linear_in_dy(subject):
    """backward(a dy1 + b dy2) = a backward(dy1) + b backward(dy2), for dx and every grad."""

    @given(subject.inputs, scalars(), scalars(), st.data())
    def holds(x, a, b, data):
        layer = subject.make()
        y = layer.forward(x)
        dy1, dy2 = upstream(data.draw, y), upstream(data.draw, y)
        dx1, g1 = layer.backward(dy1), snapshot(layer)
        dx2, g2 = layer.backward(dy2), snapshot(layer)
        dx = layer.backward(combine(a, dy1, b, dy2))
        require_close(dx, combine(a, dx1, b, dx2), "backward(a dy1 + b dy2) differs from a dx1 + b dx2 at dx", 1e-7)
        for name, value in layer.grads.items():
            require_close(value, combine(a, g1[name], b, g2[name]),
                          f"backward(a dy1 + b dy2) differs from a d1 + b d2 at grads['{name}']", 1e-7)

    holds()


def combine(a, u, b, v):
    """a u + b v, entry by entry."""
    return nested.combine(lambda p, q: a * p + b * q, u, v)


def require_affine(layer, x1, x2, a):
    """y(a x1 + (1 - a) x2) = a y(x1) + (1 - a) y(x2): what a weighted sum plus a bias does, for any a."""
    y1, y2 = layer.forward(x1), layer.forward(x2)
    require_close(layer.forward(combine(a, x1, 1.0 - a, x2)), combine(a, y1, 1.0 - a, y2),
                  f"with a = {a!r}, y(a x1 + (1 - a) x2) should equal a y(x1) + (1 - a) y(x2); y", 1e-9)
    return y1


@independent_rows
def permuting_the_batch_permutes_the_output(subject):
    """Rows are independent: reordering the rows of x reorders the rows of y and of dx the same way."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        order = data.draw(st.permutations(range(len(x))))
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        dx = layer.backward(dy)
        y_p = layer.forward([x[i] for i in order])
        dx_p = layer.backward([dy[i] for i in order])
        require_close(y_p, [y[i] for i in order], "after permuting the batch, y", 1e-12)
        require_close(dx_p, [dx[i] for i in order], "after permuting the batch, dx", 1e-12)

    holds()


def arguments_are_not_modified(subject):
    """forward(x) leaves x unchanged and backward(dy) leaves dy unchanged."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        x_before = nested.copy(x)
        y = layer.forward(x)
        require(x == x_before, "forward changed its argument x; compute into new lists instead")
        dy = upstream(data.draw, y)
        dy_before = nested.copy(dy)
        layer.backward(dy)
        require(dy == dy_before, "backward changed its argument dy; compute into new lists instead")

    holds()


def backward_overwrites_grads(subject):
    """Calling backward twice with the same dy gives the same dx and grads: grads are overwritten, not added to."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        dy = upstream(data.draw, layer.forward(x))
        dx1, g1 = layer.backward(dy), snapshot(layer)
        dx2, g2 = layer.backward(dy), snapshot(layer)
        require_close(dx2, dx1, "the second backward(dy) changed dx", 1e-12)
        for name in g1:
            require_close(g2[name], g1[name], f"backward(dy) twice with the same dy must overwrite, not add to, grads['{name}']; the second call gave grads['{name}']", 1e-12)

    holds()


def backward_uses_the_latest_forward(subject):
    """After forward(x1) then forward(x2), backward(dy) is the gradient at x2, not at x1."""

    @given(subject.inputs, subject.inputs, st.data())
    def holds(x1, x2, data):
        fresh = subject.make()
        dy = upstream(data.draw, fresh.forward(x2))
        expected, expected_grads = fresh.backward(dy), snapshot(fresh)
        layer = subject.make()
        restore = held(layer)
        layer.forward(x1)
        restore()  # the same draw as fresh's first forward (a layer without rng: nothing to restore)
        layer.forward(x2)
        require_close(layer.backward(dy), expected, "after forward(x1), forward(x2), backward must use x2 (not a stale input); dx", 1e-12)
        for name, value in snapshot(layer).items():
            require_close(value, expected_grads[name], f"after forward(x1), forward(x2), backward must use x2 (not a stale input); grads['{name}']", 1e-12)

    holds()


def same_call_same_numbers(subject):
    """Two instances built the same way give the same outputs and gradients (dx and grads), call after call."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        first, second = subject.make(), subject.make()
        restore = held(first)  # the same call on the same state, the state of rng included (rule 4)
        y = first.forward(x)
        require_close(second.forward(x), y, "two identically built instances disagree on y", 0.0)
        restore()
        require_close(first.forward(x), y, "the same forward(x) twice gave different y", 0.0)
        dy = upstream(data.draw, y)
        require_close(second.backward(dy), first.backward(dy), "two identically built instances disagree on dx", 0.0)
        for name in first.params:
            require_close(second.grads[name], first.grads[name],
                          f"two identically built instances disagree on grads['{name}']", 0.0)

    holds()


def extreme_inputs_stay_finite(subject):
    """Inputs of magnitude up to 1e4 give finite outputs and gradients (no overflow, NaN or infinity)."""

    @given(subject.extreme, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require(finite(y), f"forward gave a non-finite output for an input of magnitude up to 1e4: {y!r}")
        dx = layer.backward(upstream(data.draw, y))
        require(finite(dx), f"backward gave a non-finite dx for an input of magnitude up to 1e4: {dx!r}")
        require(finite(list(layer.grads.values())), "backward gave non-finite grads for an input of magnitude up to 1e4")

    holds()


def params_are_read_at_call_time(subject):
    """Replacing params[name] between calls changes forward as editing it in place does."""

    @given(subject.inputs, scalars(0.5, 2.0))
    def holds(x, c):
        replaced, edited = subject.make(), subject.make()
        for name, value in list(replaced.params.items()):
            replaced.params[name] = nested.apply(lambda v: c * v, value)
            scaled = iter(nested.flatten(replaced.params[name]))
            nested.fill(edited.params[name], lambda: next(scaled))
        require_close(replaced.forward(x), edited.forward(x),
                      "forward after replacing params differs from forward after editing them in place: y", 1e-12)

    holds()


EVERY_LAYER = [
    output_has_one_row_per_input_row,
    backward_is_linear_in_dy,
    permuting_the_batch_permutes_the_output,
    arguments_are_not_modified,
    backward_overwrites_grads,
    backward_uses_the_latest_forward,
    same_call_same_numbers,
    extreme_inputs_stay_finite,
]
WITH_PARAMS = [params_are_read_at_call_time]
