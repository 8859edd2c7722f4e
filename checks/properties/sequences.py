"""Rules every recurrent layer keeps (specs/lstm.md, specs/gru.md): the suites of LSTM and GRU call them.

A recurrent layer maps x (N, T, D) to y (N, T, H) and takes its initial states as further arguments of forward,
in order (forward(x, h0), or forward(x, h0, c0) for an LSTM; a grader's proxy passes them so); after forward its
final cell state is c_last (an LSTM), after backward the gradients of the initial states are dh0 (and dc0). `states` names them: (("h0", None), ("c0", "c_last")) for an LSTM,
the attribute holding each final state (None: the last step of y).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.properties.layers import upstream
from checks.strategies import matrices, values

SATURATED = 60.0  # a gate's bias this far from 0 shuts it (or opens it) whatever x in [-10, 10] and h add


def hidden(layer):
    """H, read from the recurrent weight Wh (H, G)."""
    return len(layer.params["Wh"])


def draw_states(draw, layer, n, states):
    """{name: a drawn (N, H) matrix} for every initial state."""
    return {name: draw(matrices(n, hidden(layer), values(-1.0, 1.0))) for name, _ in states}


def final_states(layer, y, states):
    """{name: the state to start the next call with}: the last step of y, or the attribute that keeps it."""
    return {name: [sequence[-1] for sequence in y] if kept is None else getattr(layer, kept) for name, kept in states}


def step_by_step(subject, states):
    """Running x step by step (sequences of length 1), passing the final states on, gives the outputs of running
    it whole: a sequence of length 1 is one step."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        whole = subject.make()
        start = draw_states(data.draw, whole, len(x), states)
        y = whole.forward(x, *start.values())
        layer, carried = subject.make(), start
        for t in range(len(x[0])):
            y_t = layer.forward([[sequence[t]] for sequence in x], *carried.values())
            require_close([sequence[0] for sequence in y_t], [sequence[t] for sequence in y],
                          f"running step {t} alone, from the states the earlier steps left ({', '.join(carried)} "
                          f"from {', '.join(k or 'y[:, -1]' for _, k in states)}), differs from step {t} of the whole "
                          "sequence; y", 1e-10)
            carried = final_states(layer, y_t, states)

    holds()


def causal(subject):
    """The output at step t does not depend on the inputs after t, and dy at steps up to t sends no gradient to the
    inputs after t."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        steps = len(x[0])
        if steps < 2:
            return
        t = data.draw(st.integers(0, steps - 2))
        changed = [sequence[:t + 1] + data.draw(matrices(steps - t - 1, len(x[0][0]))) for sequence in x]
        layer = subject.make()
        y, y_changed = layer.forward(x), subject.make().forward(changed)
        require_close([s[:t + 1] for s in y_changed], [s[:t + 1] for s in y],
                      f"changing the inputs after step {t} changed the output at steps 0..{t}: a step reads inputs "
                      "that come later (the order of the steps, or of x's axes (N, T, D), is wrong); y", 1e-12)
        dy = [[row if s <= t else [0.0] * len(row) for s, row in enumerate(sequence)] for sequence in upstream(data.draw, y)]
        dx = layer.backward(dy)
        require_close([s[t + 1:] for s in dx], [[[0.0] * len(x[0][0])] * (steps - t - 1)] * len(x),
                      f"with dy = 0 after step {t}, dx after step {t} must be 0 (those inputs do not reach y at steps "
                      f"0..{t}); dx", 0.0)

    holds()


def initial_state_gradients(subject, states):
    """dh0 (and dc0) after backward are the gradients of sum(y * dy) with respect to h0 (and c0): central
    differences agree."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        start = draw_states(data.draw, layer, len(x), states)
        dy = upstream(data.draw, layer.forward(x, *start.values()))
        layer.backward(dy)
        for name, _ in states:
            analytic = getattr(layer, "d" + name, None)
            require(nested.shape(analytic) == nested.shape(start[name]),
                    f"after backward, d{name} must have the shape (N, H) = {nested.shape(start[name])} of {name}; got "
                    f"{nested.shape(analytic)}")
            numeric = numeric_state_gradient(subject, x, start, name, dy)
            require_close(analytic, numeric, f"d{name} after backward disagrees with central differences of "
                                             f"sum(y * dy) in {name} (is the gradient carried back through every "
                                             f"step, down to t = 0?); d{name}", 1e-5)

    holds()


def numeric_state_gradient(subject, x, start, name, dy, step=1e-6):
    """(N, H): the central difference of sum(forward(x, *start.values()) * dy) in each entry of start[name]."""
    layer = subject.make()
    out = nested.apply(lambda v: 0.0, start[name])
    for i, row in enumerate(start[name]):
        for j, v in enumerate(row):
            moved = []
            for delta in (step, -step):
                edited = {k: nested.copy(m) for k, m in start.items()}
                edited[name][i][j] = v + delta
                moved.append(nested.dot(layer.forward(x, *edited.values()), dy))
            out[i][j] = (moved[0] - moved[1]) / (2 * step)
    return out


def with_bias_blocks(layer, name, blocks):
    """Set blocks of H entries of params[name]: {block index: value}, in place (read at call time)."""
    h = hidden(layer)
    for k, value in blocks.items():
        layer.params[name][k * h:(k + 1) * h] = [value] * h
    return layer
