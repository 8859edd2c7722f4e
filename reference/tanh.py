"""Hyperbolic tangent activation (specs/tanh.md)."""
import math

from reference.flatten import as_examples, example_rows


class Tanh:
    """y = tanh(x), elementwise: x (N, D) -> y (N, D); a batch of any rank (N, ...) keeps its shape."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.y = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps y (as rows (N, D'), for any rank), which the derivative needs."""
        rows, dims = example_rows(x)
        self.y = [[math.tanh(v) for v in row] for row in rows]
        return as_examples(self.y, dims)

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        dy_rows, dims = example_rows(dy)
        return as_examples([
            [g * (1.0 - t * t) for g, t in zip(g_row, y_row)]  # dL/dx = dy * (1 - y^2)
            for g_row, y_row in zip(dy_rows, self.y)
        ], dims)
