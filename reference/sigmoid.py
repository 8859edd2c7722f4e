"""Logistic sigmoid activation (specs/sigmoid.md)."""
import math


def sigmoid(v):
    """1 / (1 + exp(-v)), evaluated so that exp never overflows."""
    if v >= 0.0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


class Sigmoid:
    """y = 1 / (1 + exp(-x)), elementwise: x (N, D) -> y (N, D)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.y = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps y, which the derivative needs."""
        self.y = [[sigmoid(v) for v in row] for row in x]
        return self.y

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        return [
            [g * s * (1.0 - s) for g, s in zip(g_row, y_row)]  # dL/dx = dy * y (1 - y)
            for g_row, y_row in zip(dy, self.y)
        ]
