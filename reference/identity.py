"""Identity activation (specs/identity.md)."""


class Identity:
    """y = x, elementwise: x (N, D) -> y (N, D)."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        """x (N, D) -> y (N, D), a copy of x."""
        return [list(row) for row in x]

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        return [list(row) for row in dy]  # dL/dx = dy
