"""Softmax followed by cross-entropy, fused (specs/softmax_cross_entropy.md)."""
import math

from reference.softmax import softmax_row


class SoftmaxCrossEntropy:
    """L = mean_n ( log sum_k exp(z_nk) - z_n,c_n ): logits z (N, C), labels c (N,) ints -> float."""

    def __init__(self):
        self.p = None
        self.labels = None

    def forward(self, y_pred, y_true):
        """z (N, C), c (N,) -> L; keeps p = softmax(z) and the labels."""
        for n, c in enumerate(y_true):
            if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < len(y_pred[n]):
                raise ValueError(f"SoftmaxCrossEntropy takes class labels 0..{len(y_pred[n]) - 1}; label {n} is {c!r}")
        self.p = [softmax_row(row) for row in y_pred]
        self.labels = list(y_true)
        total = 0.0
        for z, c in zip(y_pred, self.labels):
            m = max(z)
            total += m + math.log(sum(math.exp(v - m) for v in z)) - z[c]  # log-sum-exp minus the true logit
        return total / len(y_pred)

    def backward(self):
        """-> dL/dz (N, C)."""
        n = len(self.p)
        return [
            [(p - (1.0 if j == c else 0.0)) / n for j, p in enumerate(p_row)]  # dL/dz_j = (p_j - [j = c]) / N
            for p_row, c in zip(self.p, self.labels)
        ]
