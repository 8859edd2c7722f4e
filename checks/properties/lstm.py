"""Invariants of LSTM (specs/lstm.md), on top of every layer's rules and the causality of every recurrent layer.

The layers come from subject.make(). The gate rules shut or open a gate by setting its block of b to +-60, far
beyond what x in [-10, 10] and h in [-1, 1] add: the blocks of a = x_t Wx + h_{t-1} Wh + b are, in order, i, f,
g, o (PyTorch's). The rules that pass h0 and c0, or read c_last, dh0 and dc0, run in the checker's process only
(checks/state.py): the grader calls a submission through forward(x) and backward(dy) alone.
"""
import math
import random

from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.gradcheck import check_layer
from checks.properties import PropertyFailure, require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.properties.rnn import (sizes_of, states, the_gradient_of_an_output_at_t_reaches_no_input_after_t,
                                   the_output_at_t_does_not_depend_on_later_inputs)
from checks.state import StateAsParams, in_process_only
from checks.strategies import matrices, values

SATURATED = 60.0  # a gate's bias this far from 0 shuts (or opens) it, whatever x in [-10, 10] and h add
I, F, G, O = range(4)  # the gate blocks of a, in PyTorch's order


def with_bias_blocks(layer, name, blocks):
    """The layer with blocks of H entries of params[name] set, {block index: value}, in place (read at call time)."""
    h = len(layer.params["Wh"])
    for k, value in blocks.items():
        layer.params[name][k * h:(k + 1) * h] = [value] * h
    return layer


def step_by_step(subject, cell):
    """Run x whole, then one step at a time (T = 1) from the states the earlier steps left: the same y. cell: the
    layer has a cell state too (an LSTM: c0 in, c_last out)."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        whole = subject.make()
        h = sizes_of(whole)[1]
        start = [data.draw(matrices(len(x), h, values(-1.0, 1.0))) for _ in range(2 if cell else 1)]
        y = whole.forward(x, *start)
        layer = subject.make()
        for t in range(len(x[0])):
            y_t = layer.forward([[sequence[t]] for sequence in x], *start)
            require_close([s[0] for s in y_t], [s[t] for s in y], f"running step {t} alone, from h0 = the last h"
                          f"{' and c0 = the c_last' if cell else ''} the earlier steps left, differs from step {t} of "
                          "the whole run; y", 1e-10)
            start = [[s[-1] for s in y_t]] + ([layer.c_last] if cell else [])

    holds()


@in_process_only
def a_sequence_of_length_1_is_one_step(subject):
    """Running x one step at a time (T = 1), passing y[:, -1] as h0 and c_last as c0, gives the whole run's y."""
    step_by_step(subject, cell=True)


@in_process_only
def dh0_and_dc0_are_the_gradients_of_the_initial_states(subject):
    """After forward(x, h0, c0) and backward(dy), dh0 = dL/dh0 and dc0 = dL/dc0: the gradient checker compares them
    with central differences, h0 and c0 perturbed entry by entry like parameters (checks/state.py)."""
    d, h = sizes_of(subject.make())
    for seed in range(2):
        rng = random.Random(f"h0 and c0/{seed}")
        x, h0, c0 = nested.gaussian(rng, (3, 3, d)), states(rng, 3, h), nested.gaussian(rng, (3, h))
        report = check_layer(StateAsParams(subject.make(), {"h0": h0, "c0": c0}), x, subject.name, seed=seed)
        if not report.passed:
            raise PropertyFailure(f"at x of shape (3, 3, {d}) from nonzero h0 and c0 (their gradients dh0 and dc0 "
                                  f"checked as the blocks dh0 and dc0): {report.message()}")


@in_process_only
def an_open_forget_gate_and_a_closed_input_gate_keep_c(subject):
    """With f = 1 (block 1 of b at +60) and i = 0 (block 0 at -60), c_t = c_{t-1}: c_last equals c0."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = with_bias_blocks(subject.make(), "b", {I: -SATURATED, F: SATURATED})
        h = sizes_of(layer)[1]
        h0, c0 = (data.draw(matrices(len(x), h, values(-1.0, 1.0))) for _ in range(2))
        layer.forward(x, h0, c0)
        require_close(layer.c_last, c0, "with the forget gate open (f = 1, block 1 of b at +60) and the input gate "
                                        "closed (i = 0, block 0 at -60), c must stay c0 (gates in the order i, f, g, "
                                        "o?); c_last", 1e-9)

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
    """With i = 1, f = 0, g = 1 and o = 1 (blocks 0 to 3 of b at +60, -60, +60, +60), c_t = g = 1 at every step, so
    h_t = tanh(1)."""

    @given(subject.inputs)
    def holds(x):
        layer = with_bias_blocks(subject.make(), "b", {I: SATURATED, F: -SATURATED, G: SATURATED, O: SATURATED})
        y = layer.forward(x)
        require_close(y, [[[math.tanh(1.0)] * len(row) for row in sequence] for sequence in y],
                      "with the input gate open, the forget gate closed, the output gate open and block 2 of b at +60, "
                      "c_t = g = tanh(60) = 1, so h_t = tanh(c_t) = tanh(1): block 2 (columns 2H:3H) is the candidate "
                      "g, squashed by tanh, and c_t = f * c_{t-1} + i * g; y", 1e-9)

    holds()


@in_process_only
def c_last_and_h_agree(subject):
    """With o = 1 (block 3 of b at +60), h at the last step is tanh(c_last): c_last is the cell state of that step."""

    @given(subject.inputs)
    def holds(x):
        layer = with_bias_blocks(subject.make(), "b", {O: SATURATED})
        y = layer.forward(x)
        require(nested.shape(getattr(layer, "c_last", None)) == (len(x), sizes_of(layer)[1]),
                "after forward, c_last must be the final cell state (N, H), one row per sequence")
        require_close([[math.tanh(c) for c in row] for row in layer.c_last], [sequence[-1] for sequence in y],
                      "with the output gate open (o = 1), h at the last step must be tanh(c_last): c_last must be "
                      "the cell state c_{T-1} of the latest forward; tanh(c_last)", 1e-9)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, the_output_at_t_does_not_depend_on_later_inputs,
              the_gradient_of_an_output_at_t_reaches_no_input_after_t, a_closed_output_gate_gives_h_0,
              an_open_input_gate_writes_g_into_the_cell, a_sequence_of_length_1_is_one_step,
              dh0_and_dc0_are_the_gradients_of_the_initial_states, an_open_forget_gate_and_a_closed_input_gate_keep_c,
              c_last_and_h_agree]
