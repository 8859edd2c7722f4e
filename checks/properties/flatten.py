"""Invariants of Flatten (specs/flatten.md), on top of every layer's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close, require_same_shape
from checks.properties.layers import EVERY_LAYER, upstream


def reads_each_example_in_row_major_order(subject):
    """y[n] holds the entries of x[n] in row-major order, the last axis fastest: y[n][(c H + h) W + w] = x[n][c][h][w]."""

    @given(subject.inputs)
    def holds(x):
        y = subject.make().forward(x)
        for n, example in enumerate(x):
            want = nested.flatten(example)
            require(isinstance(y[n], list) and len(y[n]) == len(want),
                    f"row {n} of y should hold the {len(want)} entries of x[{n}], shape {nested.shape(example)}")
            for k, (got, expected, index) in enumerate(zip(y[n], want, nested.indices(example))):
                require(got == expected,
                        f"y[{n}][{k}] is {got!r}, but row-major order puts x[{n}]{nested.where(index)} = {expected!r} "
                        "there: read the last axis fastest (w, then h, then c), not the first (that is column-major)")

    holds()


def flatten_then_its_inverse_is_the_identity(subject):
    """backward(forward(x)) gives x back and forward(backward(dy)) gives dy back: backward is the inverse reshape."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        dx = layer.backward(dy)
        require_same_shape(dx, x, "dx", "x")
        require_close(layer.backward(y), x, "backward(forward(x)) should give x back exactly; at", 0.0)
        require_close(layer.forward(dx), dy, "forward(backward(dy)) should give dy back exactly; at", 0.0)

    holds()


PROPERTIES = [*EVERY_LAYER, reads_each_example_in_row_major_order, flatten_then_its_inverse_is_the_identity]
