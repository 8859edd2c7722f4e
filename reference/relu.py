"""Rectified linear unit (specs/relu.md)."""


class ReLU:
    """y = max(x, 0), elementwise: x (N, D) -> y (N, D)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps x, which the derivative needs."""
        self.x = x
        return [[v if v > 0.0 else 0.0 for v in row] for row in x]

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); at the kink x = 0 the derivative is taken as 0."""
        return [
            [g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)]  # dL/dx = dy if x > 0 else 0
            for g_row, x_row in zip(dy, self.x)
        ]
