"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries)."""
import itertools

from checks import nested
from reference import AvgPool2D, BatchNorm, BatchNorm2D, Flatten, MaxPool2D
from reference.flatten import dims_of


def column_major(dims):
    """The index tuples of a tensor of shape dims with the first axis fastest (Fortran's order)."""
    return [tuple(reversed(index)) for index in itertools.product(*(range(d) for d in reversed(dims)))]


class FlattenColumnMajor(Flatten):
    """Reads each example in column-major order (the first axis fastest), and backward undoes that same order:
    consistent with itself, so only the order property sees it."""

    component, property, words = "flatten", "reads_each_example_in_row_major_order", "row-major order puts"

    def forward(self, x):
        self.dims = dims_of(x[0])
        return [[nested.read(example, index) for index in column_major(self.dims)] for example in x]

    def backward(self, dy):
        dx = [nested.unflatten([0.0] * len(row), self.dims) for row in dy]
        for example, row in zip(dx, dy):
            for index, g in zip(column_major(self.dims), row):
                nested.write(example, index, g)
        return dx


class FlattenBackwardColumnMajor(Flatten):
    """forward reads row-major, but backward puts dy back in column-major order: dx lands in the wrong places."""

    component, property, words = "flatten", "flatten_then_its_inverse_is_the_identity", "should give x back"

    def backward(self, dy):
        dx = [nested.unflatten([0.0] * len(row), self.dims) for row in dy]
        for example, row in zip(dx, dy):
            for index, g in zip(column_major(self.dims), row):
                nested.write(example, index, g)
        return dx

def window_positions(layer, dy):
    """(n, c, i, j, r0, s0) for every window: its output index and the top-left corner of the window in x."""
    (sh, sw) = layer.stride
    return [(n, c, i, j, i * sh, j * sw) for n, image in enumerate(dy) for c, plane in enumerate(image)
            for i, row in enumerate(plane) for j in range(len(row))]


def zeros_like_x(layer, n):
    c, h, w = layer.dims
    return [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]


class MaxPool2DOverwritesOverlap(MaxPool2D):
    """dx[...] = dy[...] instead of +=: an entry that wins several overlapping windows keeps the last one's dy."""

    component, block, diagnosis = "max_pool2d", "dx", "overwritten-overlap"

    def backward(self, dy):
        dx, kw = zeros_like_x(self, len(dy)), self.kernel[1]
        for n, c, i, j, r0, s0 in window_positions(self, dy):
            k = self.winners[n][c][i * len(dy[n][c][i]) + j]
            dx[n][c][r0 + k // kw][s0 + k % kw] = dy[n][c][i][j]
        return dx


class MaxPool2DEveryTiedMaximum(MaxPool2D):
    """dy sent to every entry equal to the window's maximum (the mask x == max): a tie passes dy on twice."""

    component, property, words = "max_pool2d", "a_tie_sends_dy_to_the_first_maximum_alone", "every tied maximum"

    def forward(self, x):
        self.x, self.y = x, super().forward(x)
        return self.y

    def backward(self, dy):
        dx, (kh, kw) = zeros_like_x(self, len(dy)), self.kernel
        for n, c, i, j, r0, s0 in window_positions(self, dy):
            for r in range(r0, r0 + kh):
                for s in range(s0, s0 + kw):
                    if self.x[n][c][r][s] == self.y[n][c][i][j]:
                        dx[n][c][r][s] += dy[n][c][i][j]
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
        dx, (kh, kw) = zeros_like_x(self, len(dy)), self.kernel
        for n, c, i, j, r0, s0 in window_positions(self, dy):
            for r in range(r0, r0 + kh):
                for s in range(s0, s0 + kw):
                    dx[n][c][r][s] = dy[n][c][i][j] / (kh * kw)
        return dx


class BatchNorm2DBiasedRunningVariance(BatchNorm2D):
    """running_var moves towards the biased variance (divided by N H W) instead of the unbiased one."""

    component, property, words = "batch_norm2d", "running_statistics_follow_the_momentum_rule", "running_var"

    def update(self, n, stats):
        super().update(n, [(mu, var * (n - 1) / n) for mu, var in stats])
