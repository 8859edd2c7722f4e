"""Invariants of LastStep (specs/last_step.md), on top of every layer's rules: x (N, T, H) -> y (N, H)."""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, upstream


def output_is_the_last_step(subject):
    """y[n] = x[n][T - 1], exactly: the row of the last step of each sequence, not the first, not a mean."""

    @given(subject.inputs)
    def holds(x):
        y = subject.make().forward(x)
        steps = len(x[0])
        require(nested.shape(y) == (len(x), len(x[0][0])),
                f"forward on x of shape {nested.shape(x)} (N, T, H) returned shape {nested.shape(y)}; the last step "
                f"of each sequence is a row, so y has shape (N, H) = {(len(x), len(x[0][0]))}")
        require_close(y, [sequence[-1] for sequence in x],
                      f"y must be the last step x[n][T - 1] (T = {steps}) of each sequence; y", 0.0)

    holds()


def backward_puts_dy_at_the_last_step_and_zeros_elsewhere(subject):
    """dx[n][T - 1] = dy[n] and dx[n][t] = 0 for every earlier step t: only the last step reached the output."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        dy = upstream(data.draw, layer.forward(x))
        dx = layer.backward(dy)
        require(nested.shape(dx) == nested.shape(x), f"dx has shape {nested.shape(dx)}, but x has shape "
                                                     f"{nested.shape(x)}")
        for n, (sequence, g) in enumerate(zip(dx, dy)):
            for t, row in enumerate(sequence[:-1]):
                require(all(v == 0.0 for v in row),
                        f"dx[{n}][{t}] = {row!r}, but step {t} of {len(x[0])} never reaches the output: its gradient is "
                        "0 (is dy sent to every step, or to the first?)")
            require_close(sequence[-1], g, f"dx[{n}][T - 1] must be dy[{n}]; dx[{n}][{len(x[0]) - 1}]", 0.0)

    holds()


def earlier_steps_do_not_move_the_output(subject):
    """Changing any step but the last leaves y unchanged."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        changed = [[upstream(data.draw, row) if t < len(sequence) - 1 else list(row) for t, row in enumerate(sequence)]
                   for sequence in x]
        require_close(layer.forward(changed), y, "after changing every step but the last, y", 0.0)

    holds()


PROPERTIES = [*EVERY_LAYER, output_is_the_last_step, backward_puts_dy_at_the_last_step_and_zeros_elsewhere,
              earlier_steps_do_not_move_the_output]
