"""Gradient descent with momentum (specs/momentum.md)."""
from reference.parameters import rows, zeros_like


class Momentum:
    """v <- beta v + g, then p <- p - lr v; one velocity v per parameter name, zero at the start."""

    def __init__(self, lr, beta=0.9):
        self.lr = lr
        self.beta = beta
        self.velocity = {}

    def step(self, params, grads):
        """Edit every params[name] in place from grads[name] and its velocity."""
        for name, p in params.items():
            if name not in self.velocity:
                self.velocity[name] = zeros_like(p)
            for p_row, g_row, v_row in rows(p, grads[name], self.velocity[name]):
                for j, g in enumerate(g_row):
                    v_row[j] = self.beta * v_row[j] + g  # v <- beta v + dL/dp
                    p_row[j] -= self.lr * v_row[j]  # p <- p - lr v
