"""Invariants of GRU (specs/gru.md), on top of every layer's rules and every recurrent layer's.

The layers come from subject.make(). The gate rules shut or open a gate by setting its block of bx to +-60, far
beyond what x in [-10, 10] and h in [-1, 1] add: the blocks of ax and ah are, in order, r, z, n (PyTorch's).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.properties.sequences import (SATURATED, causal, draw_states, hidden, initial_state_gradients,
                                         step_by_step, with_bias_blocks)
from checks.strategies import values

STATES = (("h0", None),)  # the initial state; the final one is the last step of y
R, Z, N = range(3)  # the gate blocks of ax and ah, in PyTorch's order


def a_sequence_of_length_1_is_one_step(subject):
    """Running x one step at a time (T = 1), passing y[:, -1] as h0, gives the whole run's y."""
    step_by_step(subject, STATES)


def the_output_at_t_ignores_the_inputs_after_t(subject):
    """Causality: y at step t depends on x at steps 0..t only, and so does the gradient sent back."""
    causal(subject)


def dh0_is_the_gradient_of_the_initial_state(subject):
    """dh0 after backward equals central differences of sum(y * dy) in h0."""
    initial_state_gradients(subject, STATES)


def a_saturated_update_gate_keeps_h0(subject):
    """With z = 1 (block 1 of bx at +60), h_t = (1 - z) * n + z * h_{t-1} = h_{t-1}: every step returns h0."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "bx", {Z: SATURATED})
        h0 = draw_states(data.draw, layer, len(x), STATES)["h0"]
        y = layer.forward(x, h0)
        require_close(y, [[row] * len(sequence) for row, sequence in zip(h0, y)],
                      "with the update gate at z = 1 (block 1 of bx at +60) h must stay h0: h_t = (1 - z) * n + z * "
                      "h_{t-1}, so z keeps the old state (z and 1 - z swapped?); y", 1e-9)

    holds()


def a_closed_reset_gate_hides_the_hidden_bias_of_n(subject):
    """With r = 0 and z = 0 (blocks 0 and 1 of bx at -60), n = tanh(ax_n + r * (h Whn + bhn)): bh's n block has no
    effect, since the reset multiplies h Whn + bhn after the product."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "bx", {R: -SATURATED, Z: -SATURATED})
        h0 = draw_states(data.draw, layer, len(x), STATES)["h0"]
        y = layer.forward(x, h0)
        h = hidden(layer)
        layer.params["bh"][N * h:] = data.draw(st.lists(values(-3.0, 3.0), min_size=h, max_size=h))
        require_close(layer.forward(x, h0), y,
                      "with the reset gate closed (r = 0), changing the n block of bh changed y: bhn must sit inside "
                      "the reset, n = tanh(x Wxn + bxn + r * (h Whn + bhn)) (PyTorch's GRU, reset after the "
                      "product); y", 1e-9)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, a_sequence_of_length_1_is_one_step,
              the_output_at_t_ignores_the_inputs_after_t, dh0_is_the_gradient_of_the_initial_state,
              a_saturated_update_gate_keeps_h0, a_closed_reset_gate_hides_the_hidden_bias_of_n]
