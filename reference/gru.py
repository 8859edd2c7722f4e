"""Gated recurrent unit, PyTorch's formulation: gates r, z, n, the reset applied after the product (specs/gru.md)."""
import math

from reference.recurrence import (add_product, add_sums, as_sequences, at_step, back_through, drawn_weights, plus,
                                  require_sequences, require_state, zero_grads)
from reference.sigmoid import sigmoid
from reference.tensor import affine, zeros


class GRU:
    """h_t = (1 - z) * n + z * h_{t-1}: x (N, T, D) -> h (N, T, H).

    ax = x_t Wx + bx and ah = h_{t-1} Wh + bh (N, 3H) split into the blocks r, z, n (H columns each);
    r = sigmoid(ax_r + ah_r), z = sigmoid(ax_z + ah_z), n = tanh(ax_n + r * ah_n). Wx (D, 3H), Wh (H, 3H),
    bx, bh (3H,), all drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] by random.Random(seed), Wx, Wh, bx, bh.
    """

    def __init__(self, n_in, n_hidden, seed=0):
        self.n_in, self.n_hidden = n_in, n_hidden
        self.params = drawn_weights(seed, n_hidden, {"Wx": (n_in, 3 * n_hidden), "Wh": (n_hidden, 3 * n_hidden),
                                                         "bx": (3 * n_hidden,), "bh": (3 * n_hidden,)})
        self.grads = zero_grads(self.params)
        self.x = self.h = self.gates = self.ah_n = None
        self.dh0 = None

    def forward(self, x, h0=None):
        """x (N, T, D), h0 (N, H) or None (zeros) -> h (N, T, H); keeps x, every h_t, the gates, h_{t-1} Whn + bhn."""
        require_sequences("GRU", x, self.n_in)
        h, n_h = [require_state("GRU", "h0", h0, len(x), self.n_hidden)], self.n_hidden
        self.x, self.gates, self.ah_n = x, [], []
        for t in range(len(x[0])):
            ax = affine(at_step(x, t), self.params["Wx"], self.params["bx"])
            ah = affine(h[-1], self.params["Wh"], self.params["bh"])
            r = [[sigmoid(u + v) for u, v in zip(p[:n_h], q[:n_h])] for p, q in zip(ax, ah)]
            z = [[sigmoid(u + v) for u, v in zip(p[n_h:2 * n_h], q[n_h:2 * n_h])] for p, q in zip(ax, ah)]
            ah_n = [q[2 * n_h:] for q in ah]
            n = [[math.tanh(u + rv * v) for u, rv, v in zip(p[2 * n_h:], rr, q)] for p, rr, q in zip(ax, r, ah_n)]
            h.append([[(1.0 - zv) * nv + zv * hv for zv, nv, hv in zip(*rows)] for rows in zip(z, n, h[-1])])
            self.gates.append((r, z, n))
            self.ah_n.append(ah_n)
        self.h = h  # h[0] = h0; h[t + 1] = h_t
        return as_sequences(h[1:])

    def backward(self, dy):
        """dy (N, T, H) -> dx (N, T, D); sets grads Wx, Wh, bx, bh, and dh0 (N, H)."""
        self.grads = zero_grads(self.params)
        dh_next, dx = zeros(len(dy), self.n_hidden), [None] * len(self.gates)
        for t in reversed(range(len(self.gates))):
            dh = plus(at_step(dy, t), dh_next)  # dL/dh_t: output + next step
            dx[t], dh_next = self.step_backward(t, dh)
        self.dh0 = dh_next
        return as_sequences(dx)

    def step_backward(self, t, dh):
        """dL/dh_t (N, H) -> dx_t (N, D), dh_{t-1} (N, H); adds step t's grads."""
        (r, z, n), h_prev, ah_n = self.gates[t], self.h[t], self.ah_n[t]
        dz, dn, dh_direct = self.update_gradients(dh, z, n, h_prev)  # through h_t = (1 - z) * n + z * h_{t-1}
        da_n = [[u * (1.0 - v * v) for u, v in zip(*rows)] for rows in zip(dn, n)]  # dL/d(ax_n + r ah_n) = dn (1 - n^2)
        da_r = [[u * w * v * (1.0 - v) for u, w, v in zip(*rows)] for rows in zip(da_n, ah_n, r)]
        # dL/d(ax_r + ah_r) = da_n * ah_n * r (1 - r)
        da_z = [[u * v * (1.0 - v) for u, v in zip(*rows)] for rows in zip(dz, z)]  # dL/d(ax_z + ah_z) = dz z (1 - z)
        dax = [p + q + s for p, q, s in zip(da_r, da_z, da_n)]  # dL/dax = [da_r, da_z, da_n]   (N, 3H)
        dah = [p + q + [u * v for u, v in zip(s, rr)] for p, q, s, rr in zip(da_r, da_z, da_n, r)]
        # dL/dah = [da_r, da_z, da_n * r]   (N, 3H)
        self.add_step(t, dax, dah)
        through = back_through(dah, self.params["Wh"])
        dh_prev = [[u + v for u, v in zip(*rows)] for rows in zip(dh_direct, through)]
        # dL/dh_{t-1} = dh * z + dah . Wh^T   (N, H)
        return back_through(dax, self.params["Wx"]), dh_prev  # dL/dx_t = dax . Wx^T   (N, D)

    def update_gradients(self, dh, z, n, h_prev):
        """Through h_t = (1 - z) * n + z * h_{t-1}: dh (N, H) -> dz, dn, and the direct share of dh_{t-1} (N, H)."""
        dz = [[u * (hv - nv) for u, hv, nv in zip(*rows)] for rows in zip(dh, h_prev, n)]  # dL/dz = dh (h_{t-1} - n)
        dn = [[u * (1.0 - zv) for u, zv in zip(*rows)] for rows in zip(dh, z)]  # dL/dn = dh (1 - z)
        return dz, dn, [[u * zv for u, zv in zip(*rows)] for rows in zip(dh, z)]  # dL/dh_{t-1} (direct) = dh z

    def add_step(self, t, dax, dah):
        """Add step t's shares to the grads: every step uses the same weights, so their gradients are sums."""
        add_product(self.grads["Wx"], at_step(self.x, t), dax)  # dL/dWx += x_t^T . dax   (D, 3H)
        add_product(self.grads["Wh"], self.h[t], dah)  # dL/dWh += h_{t-1}^T . dah   (H, 3H)
        add_sums(self.grads["bx"], dax)  # dL/dbx += sum_n dax[n]   (3H,)
        add_sums(self.grads["bh"], dah)  # dL/dbh += sum_n dah[n]   (3H,)
