"""Leaky rectified linear unit (specs/leaky_relu.md)."""


class LeakyReLU:
    """y = x if x > 0 else alpha x, elementwise: x (N, D) -> y (N, D)."""

    def __init__(self, alpha=0.01):
        self.alpha = alpha
        self.params = {}
        self.grads = {}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps x, which the derivative needs."""
        self.x = x
        a = self.alpha
        return [[v if v > 0.0 else a * v for v in row] for row in x]

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); at the kink x = 0 the derivative is taken as alpha."""
        a = self.alpha
        return [
            [g if v > 0.0 else a * g for g, v in zip(g_row, x_row)]  # dL/dx = dy if x > 0 else alpha dy
            for g_row, x_row in zip(dy, self.x)
        ]
