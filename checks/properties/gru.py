"""Invariants of GRU (specs/gru.md), on top of every layer's rules and every recurrent layer's (checks/properties/
rnn.py: causality, h0 and dh0).

The layers come from subject.make(). The gate rules shut or open a gate by setting its block of bx to +-60, far
beyond what x in [-10, 10] and h in [-1, 1] add: the blocks of ax and ah are, in order, r, z, n (PyTorch's).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.properties.lstm import SATURATED, step_by_step, with_bias_blocks
from checks.properties.rnn import (dh0_is_the_gradient_of_h0, h0_given_equals_prepending_the_state,
                                   the_gradient_of_an_output_at_t_reaches_no_input_after_t,
                                   the_output_at_t_does_not_depend_on_later_inputs)
from checks.state import in_process_only
from checks.strategies import matrices, values

R, Z, N = range(3)  # the gate blocks of ax and ah, in PyTorch's order


def a_saturated_update_gate_keeps_the_initial_state(subject):
    """With z = 1 (block 1 of bx at +60), h_t = (1 - z) * n + z * h_{t-1} = h_{t-1}: from h0 = 0, h stays 0."""

    @given(subject.inputs)
    def holds(x):
        y = with_bias_blocks(subject.make(), "bx", {Z: SATURATED}).forward(x)
        require_close(y, [[[0.0] * len(row) for row in sequence] for sequence in y],
                      "with the update gate at z = 1 (block 1 of bx at +60) h must stay at its initial state, 0: "
                      "h_t = (1 - z) * n + z * h_{t-1}, so z keeps the old state (z and 1 - z swapped?); y", 1e-9)

    holds()


@in_process_only
def a_saturated_update_gate_keeps_h0(subject):
    """With z = 1 (block 1 of bx at +60), every step returns the state given as h0."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "bx", {Z: SATURATED})
        h0 = data.draw(matrices(len(x), len(layer.params["Wh"]), values(-1.0, 1.0)))
        require_close(layer.forward(x, h0), [[row] * len(sequence) for row, sequence in zip(h0, x)],
                      "with the update gate at z = 1 (block 1 of bx at +60) h must stay h0: z keeps the old state "
                      "(z and 1 - z swapped?); y", 1e-9)

    holds()


@in_process_only
def a_sequence_of_length_1_is_one_step(subject):
    """Running x one step at a time (T = 1), passing y[:, -1] as h0, gives the whole run's y."""
    step_by_step(subject, cell=False)


def a_closed_reset_gate_hides_the_hidden_bias_of_n(subject):
    """With r = 0 and z = 0 (blocks 0 and 1 of bx at -60), n = tanh(ax_n + r * (h Whn + bhn)): bh's n block has no
    effect, since the reset multiplies h Whn + bhn after the product."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "bx", {R: -SATURATED, Z: -SATURATED})
        y = layer.forward(x)
        h = len(layer.params["Wh"])
        layer.params["bh"][N * h:] = data.draw(st.lists(values(-3.0, 3.0), min_size=h, max_size=h))
        require_close(layer.forward(x), y,
                      "with the reset gate closed (r = 0), changing the n block of bh changed y: bhn must sit inside "
                      "the reset, n = tanh(x Wxn + bxn + r * (h Whn + bhn)) (PyTorch's GRU, reset after the "
                      "product); y", 1e-9)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, the_output_at_t_does_not_depend_on_later_inputs,
              the_gradient_of_an_output_at_t_reaches_no_input_after_t, a_saturated_update_gate_keeps_the_initial_state,
              a_closed_reset_gate_hides_the_hidden_bias_of_n, a_saturated_update_gate_keeps_h0,
              a_sequence_of_length_1_is_one_step, h0_given_equals_prepending_the_state, dh0_is_the_gradient_of_h0]
