"""Gradient descent: batch or mini-batch, the same update (specs/sgd.md)."""
from reference.parameters import rows


class SGD:
    """p <- p - lr g for every parameter p and its gradient g = dL/dp."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        """Edit every params[name] (matrix or vector) in place from grads[name]."""
        for name, p in params.items():
            for p_row, g_row in rows(p, grads[name]):
                for j, g in enumerate(g_row):
                    p_row[j] -= self.lr * g  # p <- p - lr dL/dp
