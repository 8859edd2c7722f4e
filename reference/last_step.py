"""The last time step of a sequence batch (specs/last_step.md)."""


class LastStep:
    """y[n] = x[n][T - 1]: x (N, T, H) -> y (N, H), for many-to-one models (a sequence in, one row out)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.steps = None  # T of the latest forward, which backward needs to place dy

    def forward(self, x):
        """x (N, T, H) -> y (N, H); keeps T."""
        if not x or not isinstance(x[0], list) or not x[0] or not isinstance(x[0][0], list):
            raise ValueError("LastStep: x must be a sequence batch (N, T, H) with T >= 1, a list of N lists of T rows")
        self.steps = len(x[0])
        return [list(sequence[-1]) for sequence in x]

    def backward(self, dy):
        """dy (N, H) -> dx (N, T, H): dy at the last step, zeros at the others."""
        return [[[0.0] * len(row) for _ in range(self.steps - 1)] + [list(row)] for row in dy]
        # dL/dx[n][t] = dy[n] if t = T - 1, else 0   (N, T, H)
