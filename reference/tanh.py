"""Hyperbolic tangent activation (specs/tanh.md)."""
import math


class Tanh:
    """y = tanh(x), elementwise: x (N, D) -> y (N, D)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.y = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps y, which the derivative needs."""
        self.y = [[math.tanh(v) for v in row] for row in x]
        return self.y

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        return [
            [g * (1.0 - t * t) for g, t in zip(g_row, y_row)]  # dL/dx = dy * (1 - y^2)
            for g_row, y_row in zip(dy, self.y)
        ]
