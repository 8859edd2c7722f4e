"""Long short-term memory layer, PyTorch's gate order i, f, g, o (specs/lstm.md)."""
import math

from reference.recurrence import (add_product, add_sums, as_sequences, at_step, back_through, drawn_weights, plus,
                                  preactivation, require_sequences, require_state, stacked_columns, zero_grads)
from reference.sigmoid import sigmoid
from reference.tensor import zeros


class LSTM:
    """h_t = o * tanh(c_t), c_t = f * c_{t-1} + i * g: x (N, T, D) -> h (N, T, H).

    a = x_t Wx + h_{t-1} Wh + b (N, 4H) splits into the blocks i, f, g, o (H columns each);
    i, f, o = sigmoid of theirs, g = tanh of its. Wx (D, 4H), Wh (H, 4H), b (4H,), all drawn
    uniformly from [-1/sqrt(H), 1/sqrt(H)] by random.Random(seed), Wx, Wh then b, row-major.
    """

    def __init__(self, n_in, n_hidden, seed=0):
        self.n_in, self.n_hidden = n_in, n_hidden
        self.params = drawn_weights(seed, n_hidden, {"Wx": (n_in, 4 * n_hidden), "Wh": (n_hidden, 4 * n_hidden),
                                                         "b": (4 * n_hidden,)})
        self.grads = zero_grads(self.params)
        self.x = self.h = self.c = self.gates = None
        self.c_last = self.dh0 = self.dc0 = None

    def forward(self, x, h0=None, c0=None):
        """x (N, T, D), h0 and c0 (N, H) or None (zeros) -> h (N, T, H); keeps x, every h_t, c_t and the gates."""
        require_sequences("LSTM", x, self.n_in)
        h = [require_state("LSTM", "h0", h0, len(x), self.n_hidden)]
        c = [require_state("LSTM", "c0", c0, len(x), self.n_hidden)]
        self.x, self.gates = x, []
        columns = stacked_columns(self.params["Wx"], self.params["Wh"], self.params["b"])
        for t in range(len(x[0])):
            a = preactivation(at_step(x, t), h[-1], columns)
            i, f, g, o = gate_values(a, self.n_hidden)
            c.append([[fv * cv + iv * gv for fv, cv, iv, gv in zip(*rows)] for rows in zip(f, c[-1], i, g)])
            h.append([[ov * math.tanh(cv) for ov, cv in zip(*rows)] for rows in zip(o, c[-1])])
            self.gates.append((i, f, g, o))
        self.h, self.c, self.c_last = h, c, c[-1]  # h[0] = h0, c[0] = c0; h[t + 1] = h_t
        return as_sequences(h[1:])

    def backward(self, dy):
        """dy (N, T, H) -> dx (N, T, D); sets grads Wx, Wh, b, and dh0, dc0 (N, H)."""
        self.grads = zero_grads(self.params)
        dh_next, dc_next = zeros(len(dy), self.n_hidden), zeros(len(dy), self.n_hidden)
        dx = [None] * len(self.gates)
        for t in reversed(range(len(self.gates))):
            dh = plus(at_step(dy, t), dh_next)  # dL/dh_t: output + next step
            dx[t], dh_next, dc_next = self.step_backward(t, dh, dc_next)
        self.dh0, self.dc0 = dh_next, dc_next
        return as_sequences(dx)

    def step_backward(self, t, dh, dc_next):
        """dL/dh_t, dL/dc_t from step t + 1 (N, H) -> dx_t (N, D), dh_{t-1}, dc_{t-1} (N, H); adds step t's grads."""
        f, o = self.gates[t][1], self.gates[t][3]
        tanh_c = [[math.tanh(v) for v in row] for row in self.c[t + 1]]
        dc = self.cell_gradient(dh, dc_next, o, tanh_c)  # dL/dc_t = dc_next + dh * o * (1 - tanh(c_t)^2)
        da = self.gate_gradients(t, dh, dc, tanh_c)  # dL/da_t = [da_i, da_f, da_g, da_o]   (N, 4H)
        self.add_step(t, da)
        dc_prev = [[u * fv for u, fv in zip(*rows)] for rows in zip(dc, f)]  # dL/dc_{t-1} = dc * f
        return back_through(da, self.params["Wx"]), back_through(da, self.params["Wh"]), dc_prev
        # dL/dx_t = da . Wx^T   (N, D);   dL/dh_{t-1} (through a_t) = da . Wh^T   (N, H)

    def cell_gradient(self, dh, dc_next, o, tanh_c):
        """dL/dc_t (N, H): through h_t = o * tanh(c_t), and from step t + 1."""
        return [[u + v * ov * (1.0 - tv * tv) for u, v, ov, tv in zip(*rows)] for rows in zip(dc_next, dh, o, tanh_c)]
        # dL/dc_t = dc_next + dh * o * (1 - tanh(c_t)^2)

    def gate_gradients(self, t, dh, dc, tanh_c):
        """dL/dh_t, dL/dc_t (N, H) -> dL/da_t (N, 4H), the blocks in the order i, f, g, o."""
        (i, f, g, o), c_prev = self.gates[t], self.c[t]
        return [[*(u * gv * iv * (1.0 - iv) for u, gv, iv in zip(dcr, gr, ir)),  # dL/da_i = dc * g * i (1 - i)
                 *(u * cv * fv * (1.0 - fv) for u, cv, fv in zip(dcr, cr, fr)),  # dL/da_f = dc * c_{t-1} * f (1 - f)
                 *(u * iv * (1.0 - gv * gv) for u, iv, gv in zip(dcr, ir, gr)),  # dL/da_g = dc * i * (1 - g^2)
                 *(u * tv * ov * (1.0 - ov) for u, tv, ov in zip(dhr, tcr, orow))]  # dL/da_o = dh tanh(c_t) o (1 - o)
                for dcr, dhr, ir, fr, gr, orow, cr, tcr in zip(dc, dh, i, f, g, o, c_prev, tanh_c)]

    def add_step(self, t, da):
        """Add step t's shares to the grads: every step uses the same weights, so their gradients are sums."""
        add_product(self.grads["Wx"], at_step(self.x, t), da)  # dL/dWx += x_t^T . da   (D, 4H)
        add_product(self.grads["Wh"], self.h[t], da)  # dL/dWh += h_{t-1}^T . da   (H, 4H)
        add_sums(self.grads["b"], da)  # dL/db += sum_n da[n]   (4H,)


def gate_values(a, n_hidden):
    """a (N, 4H) -> i, f, g, o (N, H) each: sigmoid, sigmoid, tanh, sigmoid of the blocks in that order."""
    i, f, o = ([[sigmoid(v) for v in row[k * n_hidden:(k + 1) * n_hidden]] for row in a] for k in (0, 1, 3))
    return i, f, [[math.tanh(v) for v in row[2 * n_hidden:3 * n_hidden]] for row in a], o
