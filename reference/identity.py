"""Identity activation (specs/identity.md)."""
from reference.flatten import as_examples, example_rows


class Identity:
    """y = x, elementwise: x (N, D) -> y (N, D); a batch of any rank (N, ...) keeps its shape."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):
        """x (N, D) -> y (N, D), a copy of x."""
        rows, dims = example_rows(x)
        return as_examples([list(row) for row in rows], dims)

    def backward(self, dy):
        """dy (N, D) -> dx (N, D)."""
        rows, dims = example_rows(dy)
        return as_examples([list(row) for row in rows], dims)  # dL/dx = dy
