"""Mean squared error loss (specs/mse.md)."""


class MSE:
    """L = sum_ij (p_ij - t_ij)^2 / (N M): y_pred p (N, M), y_true t (N, M) -> float."""

    def __init__(self):
        self.residual = None

    def forward(self, y_pred, y_true):
        """p (N, M), t (N, M) -> L; keeps the residual r = p - t."""
        self.residual = [[p - t for p, t in zip(p_row, t_row)] for p_row, t_row in zip(y_pred, y_true)]
        count = len(self.residual) * len(self.residual[0])
        return sum(r * r for row in self.residual for r in row) / count

    def backward(self):
        """-> dL/dp (N, M)."""
        scale = 2.0 / (len(self.residual) * len(self.residual[0]))
        return [[scale * r for r in row] for row in self.residual]  # dL/dp = 2 (p - t) / (N M)
