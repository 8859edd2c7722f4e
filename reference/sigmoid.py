"""Logistic sigmoid activation (specs/sigmoid.md)."""
import math

from reference.flatten import as_examples, example_rows


def sigmoid(v):
    """1 / (1 + exp(-v)), evaluated so that exp never overflows."""
    if v >= 0.0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


class Sigmoid:
    """y = 1 / (1 + exp(-x)), elementwise: x (N, D) -> y (N, D); a batch of any rank (N, ...) keeps its shape."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.y = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps y (as rows (N, D'), for any rank), which the derivative needs."""
        rows, dims = example_rows(x)
        self.y = [[sigmoid(v) for v in row] for row in rows]
        return as_examples(self.y, dims)

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        dy_rows, dims = example_rows(dy)
        return as_examples([
            [g * s * (1.0 - s) for g, s in zip(g_row, y_row)]  # dL/dx = dy * y (1 - y)
            for g_row, y_row in zip(dy_rows, self.y)
        ], dims)
