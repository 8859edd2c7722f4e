"""Spatial batch normalization (specs/batch_norm2d.md)."""
from reference.batch_norm import BatchNorm


def to_rows(x):
    """x (N, C, H, W) -> the (N H W, C) rows of channel vectors, one per pixel, in the order (n, h, w)."""
    return [list(pixel) for sample in x for rows in zip(*sample) for pixel in zip(*rows)]


def to_images(rows, n, h, w):
    """The inverse of to_rows: rows (N H W, C) -> (N, C, H, W)."""
    c = len(rows[0])
    return [[[[rows[(a * h + i) * w + j][b] for j in range(w)] for i in range(h)] for b in range(c)]
            for a in range(n)]


class BatchNorm2D(BatchNorm):
    """BatchNorm per channel over (N, H, W): x (N, C, H, W) -> y (N, C, H, W).

    Each pixel's channel vector is a row of BatchNorm: mu and var of channel c are taken over the N H W
    entries x[n][c][h][w], running_var takes var * NHW / (NHW - 1). gamma and beta are (C,).
    """

    rows_independent = False

    def __init__(self, n_channels, eps=1e-5, momentum=0.1):
        super().__init__(n_channels, eps, momentum)
        self.size = None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H, W): BatchNorm on the (N H W, C) rows."""
        self.size = (len(x), len(x[0][0]), len(x[0][0][0]))
        n, h, w = self.size
        if self.training and n * h * w < 2:
            raise ValueError(f"BatchNorm2D: training mode needs N H W >= 2 entries per channel to estimate a "
                             f"variance, got N = {n}, H = {h}, W = {w}")
        return to_images(super().forward(to_rows(x)), *self.size)

    def backward(self, dy):
        """dy (N, C, H, W) -> dx (N, C, H, W); sets grads gamma (C,) and beta (C,), summed over (N, H, W)."""
        return to_images(super().backward(to_rows(dy)), *self.size)
        # dL/dx = BatchNorm's dL/dx on the (N H W, C) rows: (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) / s
