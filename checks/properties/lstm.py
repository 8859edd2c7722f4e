"""Invariants of LSTM (specs/lstm.md), on top of every layer's rules and every recurrent layer's.

The layers come from subject.make(). The gate rules shut or open a gate by setting its block of b to +-60,
far beyond what x in [-10, 10] and h in [-1, 1] add: the blocks of a = x_t Wx + h_{t-1} Wh + b are, in order,
i, f, g, o (PyTorch's), so block 1 is the forget gate and block 3 the output gate.
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.properties.sequences import (SATURATED, causal, draw_states, initial_state_gradients, step_by_step,
                                         with_bias_blocks)

STATES = (("h0", None), ("c0", "c_last"))  # the initial states, and where the final ones are kept
I, F, G, O = range(4)  # the gate blocks of a, in PyTorch's order


def a_sequence_of_length_1_is_one_step(subject):
    """Running x one step at a time (T = 1), passing y[:, -1] as h0 and c_last as c0, gives the whole run's y."""
    step_by_step(subject, STATES)


def the_output_at_t_ignores_the_inputs_after_t(subject):
    """Causality: y at step t depends on x at steps 0..t only, and so does the gradient sent back."""
    causal(subject)


def dh0_and_dc0_are_the_gradients_of_the_initial_states(subject):
    """dh0 and dc0 after backward equal central differences of sum(y * dy) in h0 and c0."""
    initial_state_gradients(subject, STATES)


def an_open_forget_gate_and_a_closed_input_gate_keep_c(subject):
    """With f = 1 (block 1 of b at +60) and i = 0 (block 0 at -60), c_t = c_{t-1}: c_last equals c0."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "b", {I: -SATURATED, F: SATURATED})
        start = draw_states(data.draw, layer, len(x), STATES)
        layer.forward(x, *start.values())
        require_close(layer.c_last, start["c0"], "with the forget gate open (f = 1, block 1 of b at +60) and the "
                                                 "input gate closed (i = 0, block 0 at -60), c must stay c0 (gates in "
                                                 "the order i, f, g, o?); c_last", 1e-9)

    holds()


def a_closed_output_gate_gives_h_0(subject):
    """With o = 0 (block 3 of b, columns 3H:4H, at -60), h_t = o * tanh(c_t) = 0 at every step."""

    @given(subject.inputs)
    def holds(x):
        y = with_bias_blocks(subject.make(), "b", {O: -SATURATED}).forward(x)
        require_close(y, [[[0.0] * len(row) for row in sequence] for sequence in y],
                      "with block 3 of b (columns 3H:4H) at -60 the output gate o is closed, so h must be 0: the "
                      "blocks of a are i, f, g, o in this order (CS231n's i, f, o, g puts g there); y", 1e-9)

    holds()


def an_open_input_gate_writes_g_into_the_cell(subject):
    """With i = 1, f = 0 and g = 1 (blocks 0, 1, 2 of b at +60, -60, +60), c_t = g = 1 at every step: c_last = 1."""

    @given(subject.inputs)
    def holds(x):
        layer = with_bias_blocks(subject.make(), "b", {I: SATURATED, F: -SATURATED, G: SATURATED})
        layer.forward(x)
        require_close(layer.c_last, [[1.0] * len(row) for row in layer.c_last],
                      "with the input gate open, the forget gate closed and block 2 of b at +60, c_t = g = "
                      "tanh(60) = 1: block 2 (columns 2H:3H) is the candidate g, squashed by tanh; c_last", 1e-9)

    holds()


def c_last_and_h_agree(subject):
    """With o = 1 (block 3 of b at +60), h at the last step is tanh(c_last): c_last is the cell state of that step."""

    @given(subject.inputs)
    def holds(x):
        layer = with_bias_blocks(subject.make(), "b", {O: SATURATED})
        y = layer.forward(x)
        require(isinstance(layer.c_last, list) and len(layer.c_last) == len(x),
                f"after forward, c_last must be the final cell state (N, H), one row per sequence; got "
                f"{layer.c_last!r:.60}")
        require_close([[math.tanh(c) for c in row] for row in layer.c_last], [sequence[-1] for sequence in y],
                      "with the output gate open (o = 1), h at the last step must be tanh(c_last): c_last must be "
                      "the cell state c_{T-1} of the latest forward; tanh(c_last)", 1e-9)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, a_sequence_of_length_1_is_one_step,
              the_output_at_t_ignores_the_inputs_after_t, dh0_and_dc0_are_the_gradients_of_the_initial_states,
              an_open_forget_gate_and_a_closed_input_gate_keep_c, a_closed_output_gate_gives_h_0,
              an_open_input_gate_writes_g_into_the_cell, c_last_and_h_agree]
