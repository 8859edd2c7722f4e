"""Rectified linear unit (specs/relu.md)."""
from reference.flatten import as_examples, example_rows


class ReLU:
    """y = max(x, 0), elementwise: x (N, D) -> y (N, D); a batch of any rank (N, ...) keeps its shape."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps x (as rows (N, D'), for any rank), which the derivative needs."""
        self.x, dims = example_rows(x)
        return as_examples([[v if v > 0.0 else 0.0 for v in row] for row in self.x], dims)

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); at the kink x = 0 the derivative is taken as 0."""
        dy_rows, dims = example_rows(dy)
        return as_examples([
            [g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)]  # dL/dx = dy if x > 0 else 0
            for g_row, x_row in zip(dy_rows, self.x)
        ], dims)
