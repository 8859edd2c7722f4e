"""The last time step of a sequence batch (specs/last_step.md)."""


class LastStep:
    """y[n] = x[n][T - 1]: x (N, T, H) -> y (N, H), for many-to-one models (a sequence in, one row out)."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.steps = None  # T of the latest forward, which backward needs to place dy

    def forward(self, x):
        """x (N, T, H) -> y (N, H); keeps T."""
        if not (isinstance(x, list) and x and all(isinstance(s, list) and s and len(s) == len(x[0])
                                                  and all(isinstance(row, list) for row in s) for s in x)):
            raise ValueError("LastStep: x must be a sequence batch (N, T, H) with T >= 1, a list of N lists of T rows each")
        self.steps = len(x[0])
        return [list(sequence[-1]) for sequence in x]

    def backward(self, dy):
        """dy (N, H) -> dx (N, T, H): dy at the last step, zeros at the others."""
        return [[[0.0] * len(row) for _ in range(self.steps - 1)] + [list(row)] for row in dy]
        # dL/dx[n][t] = dy[n] if t = T - 1, else 0   (N, T, H)
