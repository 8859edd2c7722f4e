"""Invariants of RNN (specs/rnn.md), on top of every layer's rules: x (N, T, D) -> h (N, T, H).

The layers come from subject.make(); the rules that set weights (Wh = 0) edit its params in place. The rules
that pass h0 or read dh0 run in the checker's process only (checks/state.py): the grader calls a submission
through forward(x) and backward(dy) alone.
"""
import math
import random

from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.gradcheck import check_layer
from checks.properties import PropertyFailure, require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, upstream
from checks.state import StateAsParams, in_process_only
from checks.strategies import sequence_pairs, tensors


def sizes_of(layer):
    """(D, H) of an RNN, read from its params."""
    return len(layer.params["Wx"]), len(layer.params["Wh"])


def one_step(x_t, h_prev, params):
    """tanh(x_t Wx + h_prev Wh + b): one step of the spec, (N, D), (N, H) -> (N, H), written out."""
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    return [[math.tanh(math.fsum([*(v * Wx[d][j] for d, v in enumerate(xr)), *(v * Wh[k][j] for k, v in enumerate(hr)),
                                  b[j]])) for j in range(len(b))] for xr, hr in zip(x_t, h_prev)]


def first_steps(x):
    """x (N, T, D) -> x (N, 1, D): each sequence cut to its first step."""
    return [sequence[:1] for sequence in x]


def a_sequence_of_length_1_is_one_step(subject):
    """On sequences of one step (from h0 = 0): h = tanh(x Wx + b), and backward is that step's chain rule:
    da = dy (1 - h^2), dx = da Wx^T, dWx = x^T da, dWh = 0, db = sum_n da."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer, x = subject.make(), first_steps(x)
        h = layer.forward(x)
        x_0, params = [s[0] for s in x], layer.params
        require_close(h, [[row] for row in one_step(x_0, [[0.0] * len(params["b"]) for _ in x], params)],
                      "on one step from h0 = 0, h must be tanh(x Wx + b); h", 1e-12)
        dy = upstream(data.draw, h)
        da = [[g * (1.0 - v * v) for g, v in zip(gs[0], hs[0])] for gs, hs in zip(dy, h)]
        dx = layer.backward(dy)
        wanted = {"Wx": [[math.fsum(x_0[n][d] * da[n][j] for n in range(len(x))) for j in range(len(da[0]))]
                         for d in range(len(x_0[0]))],
                  "Wh": [[0.0] * len(da[0]) for _ in da[0]], "b": [math.fsum(column) for column in zip(*da)]}
        require_close(dx, [[[math.fsum(g * w for g, w in zip(da[n], row)) for row in params["Wx"]]] for n in range(len(x))],
                      "on one step, dx must be da Wx^T with da = dy (1 - h^2); dx", 1e-9)
        for name, value in wanted.items():
            require_close(layer.grads[name], value, f"on one step from h0 = 0, grads['{name}'] must be "
                          + {"Wx": "x^T da", "Wh": "h0^T da = 0", "b": "sum_n da"}[name], 1e-9)

    holds()


def the_output_at_t_does_not_depend_on_later_inputs(subject):
    """Causality: changing x at the steps after t leaves h at steps 0..t unchanged."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        h = layer.forward(x)
        t = data.draw(st.integers(0, len(x[0]) - 1), label="t")
        later = [s[:t + 1] + data.draw(tensors((len(s) - t - 1, len(s[0])))) for s in x]
        changed = layer.forward(later)
        require_close([s[:t + 1] for s in changed], [s[:t + 1] for s in h],
                      f"after changing x at the steps after t = {t}, h at steps 0..{t} (the output may only read "
                      "the past: is the sequence read backward in time?); h", 0.0)

    holds()


def the_gradient_of_an_output_at_t_reaches_no_input_after_t(subject):
    """Causality of backward: with dy nonzero at step t alone, dx is 0 at every step after t."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        h = layer.forward(x)
        t = data.draw(st.integers(0, len(x[0]) - 1), label="t")
        dy = [[row if s == t else [0.0] * len(row) for s, row in enumerate(sequence)] for sequence in upstream(data.draw, h)]
        dx = layer.backward(dy)
        for n, sequence in enumerate(dx):
            for s in range(t + 1, len(sequence)):
                require(all(v == 0.0 for v in sequence[s]),
                        f"with dy nonzero at step t = {t} only, dx[{n}][{s}] = {sequence[s]!r}: h_{t} does not "
                        f"depend on x_{s}, a later step, so its gradient cannot reach it (is the gradient carried "
                        "forward in time instead of back?)")

    holds()


def with_Wh_0_each_step_is_dense_then_tanh(subject):
    """With Wh = 0 the steps do not talk: h_t = tanh(x_t Wx + b) at every step, dx_t = (dy_t (1 - h_t^2)) Wx^T, and
    dWx, db are the sums over the steps of a Dense layer's."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        for row in layer.params["Wh"]:
            row[:] = [0.0] * len(row)  # in place: params are read at call time
        h = layer.forward(x)
        zeros = [[0.0] * len(layer.params["b"]) for _ in x]
        steps = [one_step([s[t] for s in x], zeros, layer.params) for t in range(len(x[0]))]
        require_close(h, [[steps[t][n] for t in range(len(x[0]))] for n in range(len(x))],
                      "with Wh = 0, every step must be tanh(x_t Wx + b), as a Dense layer then tanh; h", 1e-12)
        dy = upstream(data.draw, h)
        da = [[[g * (1.0 - v * v) for g, v in zip(gr, hr)] for gr, hr in zip(gs, hs)] for gs, hs in zip(dy, h)]
        rows = [(xr, ar) for xs, as_ in zip(x, da) for xr, ar in zip(xs, as_)]  # every (n, t): N T rows of a Dense
        Wx = layer.params["Wx"]
        require_close(layer.backward(dy), [[[math.fsum(a * w for a, w in zip(ar, row)) for row in Wx] for ar in as_]
                                           for as_ in da],
                      "with Wh = 0, dx_t must be (dy_t (1 - h_t^2)) Wx^T at every step; dx", 1e-9)
        require_close(layer.grads["Wx"], [[math.fsum(xr[d] * ar[j] for xr, ar in rows) for j in range(len(Wx[0]))]
                                          for d in range(len(Wx))],
                      "with Wh = 0, grads['Wx'] must be the sum over the steps of x_t^T da_t (+=, not =)", 1e-9)
        require_close(layer.grads["b"], [math.fsum(ar[j] for _, ar in rows) for j in range(len(Wx[0]))],
                      "with Wh = 0, grads['b'] must be the sum over the steps and rows of da_t (+=, not =)", 1e-9)

    holds()


def the_weights_have_the_spec_s_shapes_and_range(subject):
    """RNN(D, H, seed) has Wx (D, H), Wh (H, H), b (H,), every entry in [-1/sqrt(H), 1/sqrt(H)], the same for the
    same seed."""

    @given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2 ** 16))
    def holds(d, h, seed):
        layer = subject.implementation(d, h, seed)
        wanted = {"Wx": (d, h), "Wh": (h, h), "b": (h,)}
        for name, shape in wanted.items():
            found = nested.shape(layer.params.get(name))
            require(found == shape, f"RNN({d}, {h}).params['{name}'] has shape {found}; it must be {shape}")
            k = 1.0 / math.sqrt(h)
            outside = [v for v in nested.flatten(layer.params[name]) if abs(v) > k][:1]
            require(not outside, f"RNN({d}, {h}).params['{name}'] has {outside!r}, outside [-1/sqrt(H), 1/sqrt(H)] "
                                 f"= [-{k:.4f}, {k:.4f}]")
        again = subject.implementation(d, h, seed)
        require_close(again.params["Wx"], layer.params["Wx"], f"two RNN({d}, {h}, seed={seed}) disagree on Wx", 0.0)

    holds()


def states(rng, n, h):
    """A state h0 (N, H) of entries in (-1, 1), as a tanh leaves them."""
    return [[math.tanh(rng.gauss(0.0, 1.0)) for _ in range(h)] for _ in range(n)]


@in_process_only
def h0_given_equals_prepending_the_state(subject):
    """forward(x, h0 = h_last of forward(p)) equals the steps after p of forward(p + x), and backward's dh0 is what
    the longer sequence carries back into p's last step."""

    @given(sequence_pairs(sizes_of(subject.make())[0]), st.data())
    def holds(pair, data):
        p, x = pair
        layer = subject.make()
        h_p = layer.forward(p)
        whole = layer.forward([a + b for a, b in zip(p, x)])
        h0 = [s[-1] for s in h_p]
        tail = layer.forward(x, h0)
        require_close(tail, [s[len(p[0]):] for s in whole], "forward(x, h0) with h0 the last state of forward(p) "
                      "must continue forward(p + x); h", 1e-12)
        dy = upstream(data.draw, tail)
        dx = layer.backward(dy)
        dh0 = layer.dh0
        require(nested.shape(dh0) == nested.shape(h0), f"after backward, dh0 must have the shape {nested.shape(h0)} of "
                                                       f"h0, got {nested.shape(dh0)}")
        layer.forward([a + b for a, b in zip(p, x)])
        dx_whole = layer.backward([[[0.0] * len(r) for r in s] + g for s, g in zip(h_p, dy)])
        require_close(dx, [s[len(p[0]):] for s in dx_whole], "backward after forward(x, h0) must give the dx of the "
                      "steps after p in the longer sequence; dx", 1e-9)
        layer.forward(p)
        dx_p = layer.backward([[[0.0] * len(r) for r in s[:-1]] + [g] for s, g in zip(h_p, dh0)])
        require_close(dx_p, [s[:len(p[0])] for s in dx_whole], "dh0, sent back into p's last step, must give the dx "
                      "of p's steps in the longer sequence (dh0 is dL/dh0, what step 0 carries back); dx", 1e-9)

    holds()


@in_process_only
def dh0_is_the_gradient_of_h0(subject):
    """After forward(x, h0) and backward(dy), dh0 = dL/dh0: the gradient checker compares it with central
    differences, h0 perturbed entry by entry like a parameter (checks/state.py)."""
    d, h = sizes_of(subject.make())
    for seed in range(3):
        rng = random.Random(f"h0/{seed}")
        x, h0 = nested.gaussian(rng, (3, 3, d)), states(rng, 3, h)
        layer = subject.make()
        layer.backward(nested.gaussian(rng, nested.shape(layer.forward(x, h0))))
        found = nested.shape(getattr(layer, "dh0", None))
        require(found == (3, h), f"after forward(x, h0) and backward(dy), dh0 must hold dL/dh0 with the shape (N, H) = "
                                 f"(3, {h}) of h0; found {found or repr(getattr(layer, 'dh0', None))}")
        report = check_layer(StateAsParams(subject.make(), {"h0": h0}), x, subject.name, seed=seed)
        if not report.passed:
            raise PropertyFailure(f"at x of shape (3, 3, {d}) with a nonzero h0: {report.message()}")


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, a_sequence_of_length_1_is_one_step,
              the_output_at_t_does_not_depend_on_later_inputs, the_gradient_of_an_output_at_t_reaches_no_input_after_t,
              with_Wh_0_each_step_is_dense_then_tanh, the_weights_have_the_spec_s_shapes_and_range,
              h0_given_equals_prepending_the_state, dh0_is_the_gradient_of_h0]
