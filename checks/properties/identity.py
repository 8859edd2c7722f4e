"""Invariants of Identity (specs/identity.md), on top of every layer's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, upstream


def output_equals_input(subject):
    """y == x, entry by entry, exactly."""

    @given(subject.inputs)
    def holds(x):
        require_close(subject.make().forward(x), x, "y should equal x exactly; y", 0.0)

    holds()


def dx_equals_dy(subject):
    """dx == dy, entry by entry, exactly: the derivative of y = x is 1 everywhere."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        dy = upstream(data.draw, layer.forward(x))
        require_close(layer.backward(dy), dy, "dx should equal dy exactly; dx", 0.0)

    holds()


def outputs_are_new_lists(subject):
    """forward and backward return copies: changing an entry of y (or dx), or appending a row, leaves x (or dy) alone."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        _require_a_copy(y, x, "y", "x", "forward")
        _require_a_copy(layer.backward(dy), dy, "dx", "dy", "backward")

    holds()


def _require_a_copy(result, source, name, source_name, method):
    rows = len(source)
    result.append([0.0])
    require(len(source) == rows, f"appending a row to {name} appended it to {source_name}: {method} returned "
                                 f"{source_name} itself; return a copy")
    for i, row in enumerate(result[:rows]):
        was = source[i][0]
        row[0] += 1.0
        require(source[i][0] == was, f"changing {name}[{i}][0] changed {source_name}[{i}][0] too: row {i} of {name} "
                                     f"is row {i} of {source_name}; return new rows, e.g. [list(row) for row in "
                                     f"{source_name}]")


PROPERTIES = [*EVERY_LAYER, output_equals_input, dx_equals_dy, outputs_are_new_lists]
