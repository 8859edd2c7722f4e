"""Layer normalization (specs/layer_norm.md)."""
import math

from reference.tensor import column_sums


def moments(v):
    """v (D,) -> (mu, var): the mean and the biased variance mean((v - mu)^2)."""
    mu = math.fsum(v) / len(v)
    return mu, math.fsum((a - mu) ** 2 for a in v) / len(v)


def normalized(v, mu, var, eps):
    """v (D,) -> (xhat (D,), s): xhat = (v - mu) / s with s = sqrt(var + eps)."""
    s = math.sqrt(var + eps)
    return [(a - mu) / s for a in v], s


def through_normalization(dxhat, xhat, s):
    """dL/dxhat (D,) -> dL/dv (D,) for xhat = normalized(v, *moments(v), eps): directly, and through mu and var.

    dL/dv = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / s
    """
    d = len(xhat)
    through_mean = math.fsum(dxhat) / d  # mean(dxhat): the path through mu
    through_variance = math.fsum(g * h for g, h in zip(dxhat, xhat)) / d  # mean(dxhat * xhat): the path through s
    return [(g - through_mean - h * through_variance) / s for g, h in zip(dxhat, xhat)]


class LayerNorm:
    """y = gamma * (x - mu) / sqrt(var + eps) + beta, mu and var per row: x (N, D) -> y (N, D).

    gamma (D,) starts at ones and beta (D,) at zeros; var is the biased variance over the D entries of a row.
    Training and evaluation compute the same thing.
    """

    def __init__(self, n_features, eps=1e-5):
        self.eps = eps
        self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}
        self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}
        self.xhat, self.s = None, None

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps xhat (N, D) and s (N,), which the derivatives need."""
        rows = [normalized(row, *moments(row), self.eps) for row in x]
        self.xhat, self.s = [h for h, _ in rows], [s for _, s in rows]
        gamma, beta = self.params["gamma"], self.params["beta"]
        return [[g * h + b for g, h, b in zip(gamma, row, beta)] for row in self.xhat]

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); sets grads gamma (D,) and beta (D,)."""
        gamma = self.params["gamma"]
        self.grads["gamma"] = column_sums([[g * h for g, h in zip(gr, hr)] for gr, hr in zip(dy, self.xhat)])
        # dL/dgamma = sum_n dy[n] * xhat[n]   (D,)
        self.grads["beta"] = column_sums(dy)  # dL/dbeta = sum_n dy[n]   (D,)
        dxhat = [[g * c for g, c in zip(row, gamma)] for row in dy]  # dL/dxhat = dy * gamma   (N, D)
        return [through_normalization(gr, hr, s) for gr, hr, s in zip(dxhat, self.xhat, self.s)]
        # dL/dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / s, per row   (N, D)
