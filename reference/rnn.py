"""Vanilla (Elman) recurrent layer with tanh, and its backpropagation through time (specs/rnn.md)."""
import math

from reference.recurrence import (add_product, add_sums, as_sequences, at_step, back_through, drawn_weights, plus,
                                  preactivation, require_sequences, require_state, stacked_columns, zero_grads)
from reference.tensor import zeros


class RNN:
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b): x (N, T, D) -> h (N, T, H), from h0 (N, H), zeros by default.

    Wx (D, H), Wh (H, H), b (H,), all drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] by
    random.Random(seed), Wx, Wh then b, row-major.
    """

    def __init__(self, n_in, n_hidden, seed=0):
        self.n_in, self.n_hidden = n_in, n_hidden
        self.params = drawn_weights(seed, n_hidden, {"Wx": (n_in, n_hidden), "Wh": (n_hidden, n_hidden),
                                                     "b": (n_hidden,)})
        self.grads = zero_grads(self.params)
        self.x = self.h = self.dh0 = None

    def forward(self, x, h0=None):
        """x (N, T, D), h0 (N, H) or None (zeros) -> h (N, T, H); keeps x and every h_t, h0 included."""
        require_sequences("RNN", x, self.n_in)
        h = [require_state("RNN", "h0", h0, len(x), self.n_hidden)]
        columns = stacked_columns(self.params["Wx"], self.params["Wh"], self.params["b"])
        for t in range(len(x[0])):
            h.append([[math.tanh(v) for v in row] for row in preactivation(at_step(x, t), h[-1], columns)])
        self.x, self.h = x, h  # h[0] = h0; h[t + 1] = h_t
        return as_sequences(h[1:])

    def backward(self, dy):
        """dy (N, T, H) -> dx (N, T, D); sets grads Wx, Wh, b (summed over the T steps) and dh0 (N, H)."""
        self.grads = zero_grads(self.params)
        dh_next = zeros(len(dy), self.n_hidden)  # dL/dh_T = 0: no step after the last
        dx = [None] * (len(self.h) - 1)
        for t in reversed(range(len(dx))):
            dh = plus(at_step(dy, t), dh_next)  # dL/dh_t = dy_t + dL/dh_t through step t + 1   (N, H)
            dx[t], dh_next = self.step_backward(t, dh)
        self.dh0 = dh_next  # dL/dh0 = da_0 . Wh^T   (N, H)
        return as_sequences(dx)

    def step_backward(self, t, dh):
        """dL/dh_t (N, H) -> dx_t (N, D), dL/dh_{t-1} (N, H); adds step t's share to grads."""
        da = [[g * (1.0 - v * v) for g, v in zip(*rows)] for rows in zip(dh, self.h[t + 1])]
        # dL/da_t = dh_t * (1 - h_t^2), a_t = x_t Wx + h_{t-1} Wh + b   (N, H)
        add_product(self.grads["Wx"], at_step(self.x, t), da)  # dL/dWx += x_t^T . da_t   (D, H)
        add_product(self.grads["Wh"], self.h[t], da)  # dL/dWh += h_{t-1}^T . da_t   (H, H)
        add_sums(self.grads["b"], da)  # dL/db += sum_n da_t[n]   (H,)
        return back_through(da, self.params["Wx"]), back_through(da, self.params["Wh"])
        # dL/dx_t = da_t . Wx^T   (N, D);   dL/dh_{t-1} through step t = da_t . Wh^T   (N, H)
