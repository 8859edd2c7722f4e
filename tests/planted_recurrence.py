"""Planted wrong implementations of the recurrence family (tests/planted.py says what each class carries)."""
import math

from reference import RNN, LastStep
from reference.recurrence import add_product, add_sums, as_sequences, at_step, back_through, plus, zero_grads
from reference.tensor import matmul, transpose, zeros


def tanh_slope(dh, h):
    """dh * (1 - h^2), (N, H): the gradient through h = tanh(a)."""
    return [[g * (1.0 - v * v) for g, v in zip(*rows)] for rows in zip(dh, h)]


class RNNGradientNotCarried(RNN):
    """dh_t = dy_t: the gradient from step t + 1 is never added to step t's."""

    component, block, diagnosis = "rnn", "dx", "not-carried"

    def backward(self, dy):
        self.grads = zero_grads(self.params)
        dx = [None] * (len(self.h) - 1)
        for t in reversed(range(len(dx))):
            dx[t], self.dh0 = self.step_backward(t, at_step(dy, t))
        return as_sequences(dx)


class RNNAssignsDWx(RNN):
    """dWx = x_t^T da_t at each step (= where += belongs): step 0's share alone survives the loop."""

    component, block, diagnosis = "rnn", "dWx", "not-summed-over-time"

    def step_backward(self, t, dh):
        result = super().step_backward(t, dh)
        self.grads["Wx"] = matmul(transpose(at_step(self.x, t)), tanh_slope(dh, self.h[t + 1]))
        return result


class RNNWritesStateForRead(RNN):
    """dWh += h_t^T da_t: the state step t wrote, where the state it read, h_{t-1}, belongs."""

    component, block, diagnosis = "rnn", "dWh", "state-off-by-one"

    def step_backward(self, t, dh):
        da = tanh_slope(dh, self.h[t + 1])
        add_product(self.grads["Wx"], at_step(self.x, t), da)
        add_product(self.grads["Wh"], self.h[t + 1], da)
        add_sums(self.grads["b"], da)
        return back_through(da, self.params["Wx"]), back_through(da, self.params["Wh"])


class RNNIgnoresH0(RNN):
    """forward(x, h0) starts from zeros whatever h0 is given."""

    component, property, words = "rnn", "h0_given_equals_prepending_the_state", "must continue forward(p + x)"

    def forward(self, x, h0=None):
        return super().forward(x)


class RNNLeavesDh0Unset(RNN):
    """backward never sets dh0: it stays None (or what an earlier backward left)."""

    component, property, words = "rnn", "dh0_is_the_gradient_of_h0", "dh0 must hold dL/dh0"

    def backward(self, dy):
        kept = self.dh0
        dx = super().backward(dy)
        self.dh0 = kept
        return dx


class RNNReadsBackwardInTime(RNN):
    """Runs the recurrence from the last step to the first (and backward to match): h_t depends on later steps."""

    component, property, words = "rnn", "the_output_at_t_does_not_depend_on_later_inputs", "read backward in time"

    def forward(self, x, h0=None):
        return [s[::-1] for s in super().forward([s[::-1] for s in x], h0)]

    def backward(self, dy):
        return [s[::-1] for s in super().backward([s[::-1] for s in dy])]


class RNNWithoutTanh(RNN):
    """h_t = a_t: the tanh is left out, in forward and in backward alike."""

    component, property, words = "rnn", "with_Wh_0_each_step_is_dense_then_tanh", "tanh(x_t Wx + b)"

    def forward(self, x, h0=None):
        h = [h0 or zeros(len(x), self.n_hidden)]
        for t in range(len(x[0])):
            a = plus(matmul(at_step(x, t), self.params["Wx"]), matmul(h[-1], self.params["Wh"]))
            h.append([[v + b for v, b in zip(row, self.params["b"])] for row in a])
        self.x, self.h = x, h
        return as_sequences(h[1:])

    def step_backward(self, t, dh):
        add_product(self.grads["Wx"], at_step(self.x, t), dh)
        add_product(self.grads["Wh"], self.h[t], dh)
        add_sums(self.grads["b"], dh)
        return back_through(dh, self.params["Wx"]), back_through(dh, self.params["Wh"])


class LastStepGradientToEveryStep(LastStep):
    """dx[n][t] = dy[n] at every step t, as if y were the sum over time."""

    component, block, diagnosis = "last_step", "dx", "every-step"

    def backward(self, dy):
        return [[list(g) for _ in range(self.steps)] for g in dy]


class LastStepGradientToFirstStep(LastStep):
    """dy is placed at step 0, the index 0 where -1 belongs."""

    component, block, diagnosis = "last_step", "dx", "wrong-step"

    def backward(self, dy):
        return [[list(g)] + [[0.0] * len(g) for _ in range(self.steps - 1)] for g in dy]


class LastStepFirstStep(LastStep):
    """Returns the first step, x[n][0], and sends dy there: consistent, and the wrong step."""

    component, property, words = "last_step", "output_is_the_last_step", "must be the last step"

    def forward(self, x):
        super().forward(x)
        return [list(s[0]) for s in x]

    def backward(self, dy):
        return [[list(g)] + [[0.0] * len(g) for _ in range(self.steps - 1)] for g in dy]


class LastStepMeanOverTime(LastStep):
    """Returns the mean over the steps, and dy / T at every step: a pooling, not the last step."""

    component, property, words = "last_step", "earlier_steps_do_not_move_the_output", "after changing every step"

    def forward(self, x):
        super().forward(x)
        return [[math.fsum(column) / len(s) for column in zip(*s)] for s in x]

    def backward(self, dy):
        return [[[g / self.steps for g in row] for _ in range(self.steps)] for row in dy]


class RNNDh0OfTheFirstState(RNN):
    """dh0 = dL/dh_0, the first state's gradient: one step short of dL/dh0 = da_0 . Wh^T."""

    component, property, words = "rnn", "dh0_is_the_gradient_of_h0", "dh0 equals dL/dh_0"

    def step_backward(self, t, dh):
        if t == 0:
            self.first = dh
        return super().step_backward(t, dh)

    def backward(self, dy):
        dx = super().backward(dy)
        self.dh0 = self.first
        return dx


# LSTM and GRU: the classic mistakes of backpropagation through time, and two conventions read the wrong way.

from reference import GRU, LSTM  # noqa: E402  (each block of this module adds the imports it needs)
from reference.sigmoid import sigmoid  # noqa: E402
from reference.tensor import affine  # noqa: E402


class LSTMForgetsTanhSlope(LSTM):
    """dc = dc_next + dh * o: the slope 1 - tanh(c_t)^2 of h_t = o * tanh(c_t) is forgotten."""

    component, block, diagnosis = "lstm", "dx", "cell-tanh-slope"

    def cell_gradient(self, dh, dc_next, o, tanh_c):
        return [[u + v * ov for u, v, ov in zip(*rows)] for rows in zip(dc_next, dh, o)]


class LSTMGateGradientsInCS231nOrder(LSTM):
    """backward stacks da as [da_i, da_f, da_o, da_g] (CS231n's order) while forward splits a as i, f, g, o."""

    component, block, diagnosis = "lstm", "dWx", "gate-order"

    def gate_gradients(self, t, dh, dc, tanh_c):
        da = super().gate_gradients(t, dh, dc, tanh_c)
        h = self.n_hidden
        return [row[:2 * h] + row[3 * h:] + row[2 * h:3 * h] for row in da]


class LSTMCellGradientNotCarried(LSTM):
    """dc_{t-1} is never passed back: each step starts its cell gradient from dh alone."""

    component, block, diagnosis = "lstm", "dWh", "cell-not-carried"

    def step_backward(self, t, dh, dc_next):
        dx, dh_prev, _ = super().step_backward(t, dh, dc_next)
        return dx, dh_prev, [[0.0] * self.n_hidden for _ in dh]


class LSTMRecurrentWeightGradientAssigned(LSTM):
    """dWh = h_{t-1}^T da at each step (= instead of +=): only the share of step 0, the last processed, is left."""

    component, block, diagnosis = "lstm", "dWh", "not-summed-over-time"

    def add_step(self, t, da):
        self.grads["Wh"] = [[0.0] * len(row) for row in self.grads["Wh"]]
        super().add_step(t, da)


class GRUUpdateGateSwappedInBackward(GRU):
    """backward differentiates h_t = z * n + (1 - z) * h_{t-1}, while forward computes (1 - z) * n + z * h_{t-1}."""

    component, block, diagnosis = "gru", "dx", "update-gate-swapped"

    def update_gradients(self, dh, z, n, h_prev):
        dz = [[g * (nv - hv) for g, nv, hv in zip(*rows)] for rows in zip(dh, n, h_prev)]
        dn = [[g * zv for g, zv in zip(*rows)] for rows in zip(dh, z)]
        return dz, dn, [[g * (1.0 - zv) for g, zv in zip(*rows)] for rows in zip(dh, z)]


def reordered(p, blocks, h):
    """The blocks of H columns of a matrix's rows (or of a vector) taken in the given order."""
    def take(row):
        return [v for k in blocks for v in row[k * h:(k + 1) * h]]
    return [take(row) for row in p] if isinstance(p[0], list) else take(p)


def negated(p, block, h):
    """The block of H columns of a matrix's rows (or of a vector) negated."""
    def flip(row):
        return row[:block * h] + [-v for v in row[block * h:(block + 1) * h]] + row[(block + 1) * h:]
    return [flip(row) for row in p] if isinstance(p[0], list) else flip(p)


class Relabelled:
    """A layer that reads its params through a relabelling: forward and backward agree with each other."""

    def relabel(self, p):
        raise NotImplementedError

    def relabelled(self, method, *args, **kwargs):
        kept = self.params
        self.params = {name: self.relabel(p) for name, p in kept.items()}
        try:
            return method(*args, **kwargs)
        finally:
            self.params = kept


class LSTMInCS231nOrder(Relabelled, LSTM):
    """The blocks of a read as i, f, o, g (CS231n's order) in forward and backward alike: a consistent layer, but
    not the spec's."""

    component, property, words = "lstm", "a_closed_output_gate_gives_h_0", "i, f, g, o in this order"

    def relabel(self, p):
        return reordered(p, (0, 1, 3, 2), self.n_hidden)

    def forward(self, x, h0=None, c0=None):
        return self.relabelled(super().forward, x, h0, c0)

    def backward(self, dy):
        dx = self.relabelled(super().backward, dy)
        self.grads = {name: self.relabel(g) for name, g in self.grads.items()}
        return dx


class LSTMKeepsTheFirstCellState(LSTM):
    """c_last holds the cell state of step 0, not of the last step."""

    component, property, words = "lstm", "c_last_and_h_agree", "c_last must be the cell state c_{T-1}"

    def forward(self, x, h0=None, c0=None):
        y = super().forward(x, h0, c0)
        self.c_last = self.c[1]
        return y


class LSTMWithoutCellStateGradient(LSTM):
    """dc0 left at zeros: the gradient of the initial cell state is never kept."""

    component, property, words = "lstm", "dh0_and_dc0_are_the_gradients_of_the_initial_states", "dc0: "

    def backward(self, dy):
        dx = super().backward(dy)
        self.dc0 = [[0.0] * self.n_hidden for _ in dy]
        return dx


class GRUUpdateGateSwapped(Relabelled, GRU):
    """h_t = z * n + (1 - z) * h_{t-1} in forward and backward alike (another textbook's convention): z's blocks of
    the params act negated, since sigmoid(-a) = 1 - sigmoid(a)."""

    component, property, words = "gru", "a_saturated_update_gate_keeps_the_initial_state", "z and 1 - z swapped"

    def relabel(self, p):
        return negated(p, 1, self.n_hidden)

    def forward(self, x, h0=None):
        return self.relabelled(super().forward, x, h0)

    def backward(self, dy):
        dx = self.relabelled(super().backward, dy)
        self.grads = {name: self.relabel(g) for name, g in self.grads.items()}
        return dx


class GRUResetBeforeProduct(GRU):
    """n = tanh(x Wxn + bxn + (r * h) Whn + bhn): the reset applied before the product (Keras' reset_after=False)."""

    component, property, words = "gru", "a_closed_reset_gate_hides_the_hidden_bias_of_n", "bhn must sit inside"

    def forward(self, x, h0=None):
        h = h0 or [[0.0] * self.n_hidden for _ in x]
        k, Wh, bh, steps = self.n_hidden, self.params["Wh"], self.params["bh"], []
        for t in range(len(x[0])):
            ax, ah = affine(at_step(x, t), self.params["Wx"], self.params["bx"]), affine(h, Wh, bh)
            r = [[sigmoid(u + v) for u, v in zip(p[:k], q[:k])] for p, q in zip(ax, ah)]
            z = [[sigmoid(u + v) for u, v in zip(p[k:2 * k], q[k:2 * k])] for p, q in zip(ax, ah)]
            reset = matmul([[rv * hv for rv, hv in zip(*rows)] for rows in zip(r, h)], [row[2 * k:] for row in Wh])
            n = [[math.tanh(u + v + b) for u, v, b in zip(p[2 * k:], q, bh[2 * k:])] for p, q in zip(ax, reset)]
            h = [[(1.0 - zv) * nv + zv * hv for zv, nv, hv in zip(*rows)] for rows in zip(z, n, h)]
            steps.append(h)
        return as_sequences(steps)


class GRUUpdateGateSwappedFromH0(GRUUpdateGateSwapped):
    """The same swap, seen from a given h0: with z = 1 the state moves away from h0."""

    component, property, words = "gru", "a_saturated_update_gate_keeps_h0", "h must stay h0"


class GRUIgnoresH0(GRU):
    """forward(x, h0) starts from zeros whatever h0 is given."""

    component, property, words = "gru", "a_sequence_of_length_1_is_one_step", "running step"

    def forward(self, x, h0=None):
        return super().forward(x)


class LSTMIgnoresC0(LSTM):
    """forward(x, h0, c0) starts the cell from zeros whatever c0 is given."""

    component, property, words = "lstm", "a_sequence_of_length_1_is_one_step", "and c0 = the c_last"

    def forward(self, x, h0=None, c0=None):
        return super().forward(x, h0)


class LSTMWithoutCellTanh(LSTM):
    """h_t = o * c_t: the tanh of the cell state is left out of the output."""

    component, property, words = "lstm", "an_open_input_gate_writes_g_into_the_cell", "h_t = tanh(c_t)"

    def forward(self, x, h0=None, c0=None):
        super().forward(x, h0, c0)
        self.h = [self.h[0]] + [[[ov * cv for ov, cv in zip(*rows)] for rows in zip(gates[3], c)]
                                for gates, c in zip(self.gates, self.c[1:])]
        return [[list(self.h[t + 1][n]) for t in range(len(self.gates))] for n in range(len(x))]


class LSTMForgetAndInputGatesSwapped(Relabelled, LSTM):
    """Blocks 0 and 1 of a read as f and i: c_t = i * c_{t-1} + f * g, in forward and backward alike."""

    component, property, words = "lstm", "an_open_forget_gate_and_a_closed_input_gate_keep_c", "c must stay c0"

    def relabel(self, p):
        return reordered(p, (1, 0, 2, 3), self.n_hidden)

    def forward(self, x, h0=None, c0=None):
        return self.relabelled(super().forward, x, h0, c0)

    def backward(self, dy):
        dx = self.relabelled(super().backward, dy)
        self.grads = {name: self.relabel(g) for name, g in self.grads.items()}
        return dx


# Embedding and gradient clipping ------------------------------------------------------------------------------

from reference.embedding import Embedding, looked_up  # noqa: E402
from reference.gradient_clipping import ClippedSGD, clip_grad_norm, squares  # noqa: E402
from reference.sgd import SGD  # noqa: E402


class EmbeddingWithItsOwnDW(Embedding):
    """The reference's forward and dx; dW from wrong_dw(dy), which each planted bug below writes."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = self.wrong_dw(dy)
        return dx

    def zeros(self, rows, columns):
        return [[0.0] * columns for _ in range(rows)]


class EmbeddingOverwritesRepeats(EmbeddingWithItsOwnDW):
    """dW[v] = dy at each position (= instead of +=): a repeated id keeps only its last position's dy."""

    component, block, diagnosis = "embedding", "dW", "overwritten-repeats"

    def wrong_dw(self, dy):
        dW = self.zeros(len(self.params["W"]), len(self.params["W"][0]))
        for v, dy_row in positions(self.ids, dy):
            dW[v] = list(dy_row)
        return dW


class EmbeddingGradientToNextRow(EmbeddingWithItsOwnDW):
    """dy added to the row of id + 1 (wrapping at the end of the table) instead of the row of the id."""

    component, block, diagnosis = "embedding", "dW", "wrong-row"

    def wrong_dw(self, dy):
        n_vocab = len(self.params["W"])
        dW = self.zeros(n_vocab, len(self.params["W"][0]))
        for v, dy_row in positions(self.ids, dy):
            dW[(v + 1) % n_vocab] = [a + g for a, g in zip(dW[(v + 1) % n_vocab], dy_row)]
        return dW


class EmbeddingTransposedGradient(EmbeddingWithItsOwnDW):
    """dW built as (dim, V), dW[j][v] += dy[j]: the transpose of the table's gradient."""

    component, block, diagnosis = "embedding", "dW", "transposed"

    def wrong_dw(self, dy):
        dW = self.zeros(len(self.params["W"][0]), len(self.params["W"]))
        for v, dy_row in positions(self.ids, dy):
            for j, g in enumerate(dy_row):
                dW[j][v] += g
        return dW


class EmbeddingWithoutIdCheck(Embedding):
    """Looks ids up without checking them: -1 silently reads the last row, n_vocab raises an IndexError."""

    component, property, words = "embedding", "ids_out_of_range_are_refused", "raise ValueError naming the rule"

    def forward(self, ids):
        self.ids = ids
        return looked_up(ids, self.params["W"])


class EmbeddingReturnsDy(Embedding):
    """backward returns dy itself as dx, as if ids were numbers the output passed through."""

    component, property, words = "embedding", "backward_returns_zeros_of_the_ids_shape", "zeros of the ids' shape"

    def backward(self, dy):
        super().backward(dy)
        return dy


def positions(ids, dy):
    """(id, dy row) for every position of ids, (N,) or (N, T)."""
    if isinstance(ids, list):
        return [pair for v, g in zip(ids, dy) for pair in positions(v, g)]
    return [(ids, dy)]


class ClippedSGDPerTensorNorm(ClippedSGD):
    """Each gradient clipped by its own norm: every name scaled by its own factor, the step's direction changed."""

    component, property, words = "gradient_clipping", "clipping_keeps_every_direction", "a norm per tensor"

    def step(self, params, grads):
        clipped = {}
        for name, g in grads.items():
            norm = squares(g) ** 0.5
            c = self.max_norm / norm if norm > self.max_norm else 1.0
            clipped[name] = scaled(g, c)
        SGD.step(self, params, clipped)


class ClippedSGDAlwaysScales(ClippedSGD):
    """Every gradient scaled by max_norm / ||g||, even when ||g|| is below max_norm: small steps are stretched."""

    component, property, words = "gradient_clipping", "below_the_bound_nothing_changes", "scaled up to max_norm?"

    def step(self, params, grads):
        norm = sum(squares(g) for g in grads.values()) ** 0.5
        self.norm = norm
        c = self.max_norm / norm if norm else 1.0
        SGD.step(self, params, {name: scaled(g, c) for name, g in grads.items()})


class ClippedSGDClipsGradsInPlace(ClippedSGD):
    """Clips the grads it is given in place (clip_grad_norm on grads itself), then steps: the layers' grads change."""

    component, property, words = "gradient_clipping", "step_leaves_grads_as_given_when_it_clips", "clip copies"

    def step(self, params, grads):
        self.norm = clip_grad_norm(grads, self.max_norm)
        SGD.step(self, params, grads)


def scaled(g, c):
    """A copy of the tensor g with every entry times c."""
    return [scaled(v, c) for v in g] if isinstance(g, list) else g * c
