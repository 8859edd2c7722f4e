"""Leaky rectified linear unit (specs/leaky_relu.md)."""
from reference.flatten import as_examples, example_rows


class LeakyReLU:
    """y = x if x > 0 else alpha x, elementwise: x (N, D) -> y (N, D); a batch of any rank (N, ...) keeps its shape."""

    def __init__(self, alpha=0.01):
        self.alpha = alpha
        self.params = {}
        self.grads = {}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps x (as rows (N, D'), for any rank), which the derivative needs."""
        self.x, dims = example_rows(x)
        a = self.alpha
        return as_examples([[v if v > 0.0 else a * v for v in row] for row in self.x], dims)

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); at the kink x = 0 the derivative is taken as alpha."""
        a, (dy_rows, dims) = self.alpha, example_rows(dy)
        return as_examples([
            [g if v > 0.0 else a * g for g, v in zip(g_row, x_row)]  # dL/dx = dy if x > 0 else alpha dy
            for g_row, x_row in zip(dy_rows, self.x)
        ], dims)
