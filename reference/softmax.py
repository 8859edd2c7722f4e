"""Softmax over each row (specs/softmax.md)."""
import math


def softmax_row(z):
    """Row z (C,) -> p (C,), p_j = exp(z_j - m) / sum_k exp(z_k - m) with m = max z."""
    m = max(z)
    e = [math.exp(v - m) for v in z]
    total = sum(e)
    return [v / total for v in e]


class Softmax:
    """y_ij = exp(x_ij) / sum_k exp(x_ik), row by row: x (N, C) -> y (N, C)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.y = None

    def forward(self, x):
        """x (N, C) -> y (N, C); keeps y, which the derivative needs."""
        self.y = [softmax_row(row) for row in x]
        return self.y

    def backward(self, dy):
        """dy (N, C) -> dx (N, C)."""
        dx = []
        for g_row, y_row in zip(dy, self.y):
            dot = sum(g * p for g, p in zip(g_row, y_row))  # sum_k dy_k y_k
            dx.append([p * (g - dot) for g, p in zip(g_row, y_row)])  # dL/dx_j = y_j (dy_j - sum_k dy_k y_k)
        return dx
