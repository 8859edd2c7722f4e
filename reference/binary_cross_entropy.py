"""Binary cross-entropy loss on probabilities (specs/binary_cross_entropy.md)."""
import math

LOG_FLOOR = -100.0
TINY = math.exp(LOG_FLOOR)
PRODUCT_FLOOR = 1e-12


def clamped_log(v):
    """log v, but never below LOG_FLOOR (so log 0 is -100, not an error)."""
    return math.log(v) if v > TINY else LOG_FLOOR


class BinaryCrossEntropy:
    """L = -mean( t log p + (1 - t) log(1 - p) ) over all entries: p, t (N, M), usually (N, 1) -> float."""

    def __init__(self):
        self.p = None
        self.t = None

    def forward(self, y_pred, y_true):
        """p (N, M) in [0, 1], t (N, M) in [0, 1] -> L; keeps p and t."""
        total = 0.0
        for i, (p_row, t_row) in enumerate(zip(y_pred, y_true)):
            for j, (p, t) in enumerate(zip(p_row, t_row)):
                if not 0.0 <= p <= 1.0:
                    raise ValueError(f"BinaryCrossEntropy takes probabilities in [0, 1]; y_pred[{i}][{j}] is {p!r}")
                total -= t * clamped_log(p) + (1.0 - t) * clamped_log(1.0 - p)
        self.p, self.t = y_pred, y_true
        return total / (len(y_pred) * len(y_pred[0]))

    def backward(self):
        """-> dL/dp (N, M)."""
        count = len(self.p) * len(self.p[0])
        return [
            [(p - t) / (max(p * (1.0 - p), PRODUCT_FLOOR) * count)  # dL/dp = (p - t) / (p (1 - p) N M)
             for p, t in zip(p_row, t_row)]
            for p_row, t_row in zip(self.p, self.t)
        ]
