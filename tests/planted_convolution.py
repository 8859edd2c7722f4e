"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries)."""
from reference import AvgPool2D, BatchNorm, BatchNorm2D, MaxPool2D
from reference.batch_norm2d import to_images, to_rows
from reference.max_pool2d import window


class MaxPool2DOverwritesOverlap(MaxPool2D):
    """dx[...] = dy[...] instead of +=: an entry that wins several overlapping windows keeps the last one's dy."""

    component, block, diagnosis = "max_pool2d", "dx", "overwritten-overlap"

    def backward(self, dy):
        n, c, h, w = self.shape
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a, b, i, j, r, s in self.winners:
            dx[a][b][r][s] = dy[a][b][i][j]
        return dx


class MaxPool2DEveryTiedMaximum(MaxPool2D):
    """dy sent to every entry equal to the window's maximum (the mask x == max): a tie passes dy on twice."""

    component, property, words = "max_pool2d", "a_tie_sends_dy_to_the_first_maximum_alone", "every tied maximum"

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dy):
        n, c, h, w = self.shape
        (kh, kw), (sh, sw) = self.kernel, self.stride
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a, b, i, j, _, _ in self.winners:
            top = max(window(self.x[a][b], i, j, self.kernel, self.stride))
            for r in range(i * sh, i * sh + kh):
                for s in range(j * sw, j * sw + kw):
                    if self.x[a][b][r][s] == top:
                        dx[a][b][r][s] += dy[a][b][i][j]
        return dx


class AvgPool2DBackwardNotDivided(AvgPool2D):
    """The mean in forward, but backward sends each window's whole dy to every entry: dx is KH KW times too large."""

    component, block, diagnosis = "avg_pool2d", "dx", "scale"

    def backward(self, dy):
        dx = super().backward(dy)
        size = self.kernel[0] * self.kernel[1]
        return [[[[v * size for v in row] for row in channel] for channel in image] for image in dx]


class AvgPool2DSum(AvgPool2D):
    """Sums each window instead of averaging it, forward and backward alike (never divides by KH KW)."""

    component, property, words = "avg_pool2d", "output_is_the_mean_of_each_window", "divided by KH KW"

    def forward(self, x):
        size = self.kernel[0] * self.kernel[1]
        return [[[[v * size for v in row] for row in channel] for channel in image] for image in super().forward(x)]

    def backward(self, dy):
        size = self.kernel[0] * self.kernel[1]
        return super().backward([[[[v * size for v in row] for row in channel] for channel in image] for image in dy])


class BatchNorm2DWithoutStatisticsPaths(BatchNorm2D):
    """dx = dy * gamma / s: the channel's mean and variance treated as constants, the paths through them missing."""

    component, block, diagnosis = "batch_norm2d", "dx", "statistics-paths"

    def backward(self, dy):
        super().backward(dy)
        gamma = self.params["gamma"]
        return [[[[g * gamma[c] / self.s[c] for g in row] for row in channel] for c, channel in enumerate(image)]
                for image in dy]


class BatchNorm2DOverTheImagesOnly(BatchNorm):
    """Statistics of every (channel, pixel) over the N images alone: BatchNorm on images flattened to rows of C H W,
    with gamma and beta (C,) spread over each channel's pixels. Its backward is right for that forward."""

    component, property, words = "batch_norm2d", "training_normalizes_each_channel_over_the_images_and_the_pixels", \
        "over the images and the pixels"
    rows_independent = False

    def __init__(self, n_channels, eps=1e-5, momentum=0.1):
        super().__init__(n_channels, eps, momentum)
        self.channels = n_channels

    def spread(self, h, w):
        """A BatchNorm of C H W features whose gamma and beta repeat each channel's over its pixels."""
        inner = BatchNorm(self.channels * h * w, self.eps, self.momentum)
        inner.training = self.training
        inner.params = {k: [v for v in p for _ in range(h * w)] for k, p in self.params.items()}
        return inner

    def forward(self, x):
        self.size = (len(x), len(x[0]), len(x[0][0]), len(x[0][0][0]))
        n, c, h, w = self.size
        self.inner = self.spread(h, w)
        y = self.inner.forward([[v for channel in image for row in channel for v in row] for image in x])
        return [[[y[a][(b * h + i) * w:(b * h + i + 1) * w] for i in range(h)] for b in range(c)] for a in range(n)]

    def backward(self, dy):
        n, c, h, w = self.size
        dx = self.inner.backward([[v for channel in image for row in channel for v in row] for image in dy])
        self.grads = {k: [sum(g[b * h * w:(b + 1) * h * w]) for b in range(c)] for k, g in self.inner.grads.items()}
        return [[[dx[a][(b * h + i) * w:(b * h + i + 1) * w] for i in range(h)] for b in range(c)] for a in range(n)]


class MaxPool2DStrideDefaultsToOne(MaxPool2D):
    """Without a stride the windows move by one pixel (overlapping) instead of by the kernel size (side by side)."""

    component, property, words = "max_pool2d", "output_is_the_maximum_of_each_window", "(None: the kernel size)"

    def __init__(self, kernel_size, stride=None):
        super().__init__(kernel_size, 1 if stride is None else stride)


class AvgPool2DOverwritesOverlap(AvgPool2D):
    """dx[...] = share instead of +=: where windows overlap, an entry keeps the share of the last window alone."""

    component, property, words = "avg_pool2d", "dx_is_dy_spread_evenly_over_each_window", "(+=, not =)"

    def backward(self, dy):
        n, c, h, w = self.shape
        (kh, kw), (sh, sw) = self.kernel, self.stride
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a in range(n):
            for b in range(c):
                for i, row in enumerate(dy[a][b]):
                    for j, g in enumerate(row):
                        for r in range(i * sh, i * sh + kh):
                            for s in range(j * sw, j * sw + kw):
                                dx[a][b][r][s] = g / (kh * kw)
        return dx


class BatchNorm2DBiasedRunningVariance(BatchNorm2D):
    """running_var moves towards the biased variance (divided by N H W) instead of the unbiased one."""

    component, property, words = "batch_norm2d", "running_statistics_follow_the_momentum_rule", "running_var"

    def update(self, n, stats):
        super().update(n, [(mu, var * (n - 1) / n) for mu, var in stats])
