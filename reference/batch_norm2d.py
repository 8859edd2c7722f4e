"""Spatial batch normalization (specs/batch_norm2d.md)."""
from operator import mul

from reference.batch_norm import BatchNorm
from reference.layer_norm import moments, normalized, through_normalization


def channels_of(x):
    """x (N, C, H, W) -> (C, N H W): the entries of each channel, in the order (n, h, w)."""
    return [[v for image in x for row in image[c] for v in row] for c in range(len(x[0]))]


def to_images(channels, n, h, w):
    """The inverse of channels_of: (C, N H W) -> (N, C, H, W)."""
    return [[[v[(a * h + i) * w:(a * h + i + 1) * w] for i in range(h)] for v in channels] for a in range(n)]


class BatchNorm2D(BatchNorm):
    """BatchNorm per channel over (N, H, W): x (N, C, H, W) -> y (N, C, H, W).

    Channel c's N H W entries x[n][c][h][w] are BatchNorm's column c: mu_c and var_c are taken over them, and
    running_var takes var * NHW / (NHW - 1). gamma and beta are (C,); modes and running statistics as BatchNorm's.
    """

    rows_independent = False

    def __init__(self, n_channels, eps=1e-5, momentum=0.1):
        super().__init__(n_channels, eps, momentum)
        self.size = None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H, W); keeps xhat (C, N H W), s (C,), the mode and the sizes N, H, W."""
        self.size, self.batch = (len(x), len(x[0][0]), len(x[0][0][0])), self.training
        n, h, w = self.size
        channels = channels_of(x)
        if self.training:
            if n * h * w < 2:
                raise ValueError(f"BatchNorm2D: training mode needs N H W >= 2 entries per channel to estimate a "
                                 f"variance, got N = {n}, H = {h}, W = {w}")
            stats = [moments(v) for v in channels]
            self.update(n * h * w, stats)
        else:
            stats = list(zip(self.running_mean, self.running_var))
        normed = [normalized(v, mu, var, self.eps) for v, (mu, var) in zip(channels, stats)]
        self.xhat, self.s = [hat for hat, _ in normed], [s for _, s in normed]
        gamma, beta = self.params["gamma"], self.params["beta"]
        return to_images([[g * v + b for v in hat] for hat, g, b in zip(self.xhat, gamma, beta)], n, h, w)

    def backward(self, dy):
        """dy (N, C, H, W) -> dx (N, C, H, W); sets grads gamma (C,) and beta (C,), summed over (N, H, W)."""
        channels, gamma = channels_of(dy), self.params["gamma"]
        self.grads["gamma"] = [sum(map(mul, d, hat)) for d, hat in zip(channels, self.xhat)]
        # dL/dgamma_c = sum_{n,h,w} dy xhat   (C,)
        self.grads["beta"] = [sum(d) for d in channels]  # dL/dbeta_c = sum_{n,h,w} dy   (C,)
        dxhat = [[g * v for v in d] for d, g in zip(channels, gamma)]  # dL/dxhat = dy gamma_c   (C, N H W)
        if not self.batch:
            return to_images([[v / s for v in d] for d, s in zip(dxhat, self.s)], *self.size)  # dxhat / s (evaluation)
        return to_images([through_normalization(d, hat, s) for d, hat, s in zip(dxhat, self.xhat, self.s)], *self.size)
        # dL/dx = (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) / s_c, the means over channel c's N H W entries
