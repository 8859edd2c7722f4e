"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries).

Standard library and reference only: the grader's tests send these classes to its child as submission files.
"""
import itertools

from reference import AvgPool2D, BatchNorm, BatchNorm2D, Conv2D, Flatten, MaxPool2D
from reference.flatten import dims_of, flat, unflat
from reference.tensor import padded


def column_major(dims):
    """The row-major positions of the entries of a tensor of shape dims, listed with the first axis fastest."""
    steps = [1] * len(dims)
    for k in range(len(dims) - 2, -1, -1):
        steps[k] = steps[k + 1] * dims[k + 1]
    return [sum(i * s for i, s in zip(reversed(index), steps))
            for index in itertools.product(*(range(d) for d in reversed(dims)))]


class FlattenColumnMajor(Flatten):
    """Reads each example in column-major order (the first axis fastest), and backward undoes that same order:
    consistent with itself, so only the order property sees it."""

    component, property, words = "flatten", "reads_each_example_in_row_major_order", "row-major order puts"

    def forward(self, x):
        self.dims = dims_of(x[0])
        return [[entries[k] for k in column_major(self.dims)] for entries in map(flat, x)]

    def backward(self, dy):
        return [unflat(in_row_major(row, self.dims), self.dims) for row in dy]


class FlattenBackwardColumnMajor(Flatten):
    """forward reads row-major, but backward puts dy back in column-major order: dx lands in the wrong places."""

    component, property, words = "flatten", "flatten_then_its_inverse_is_the_identity", "should give x back"

    def backward(self, dy):
        return [unflat(in_row_major(row, self.dims), self.dims) for row in dy]


def in_row_major(row, dims):
    """A row in column-major order -> the same entries in row-major order."""
    entries = [0.0] * len(row)
    for k, g in zip(column_major(dims), row):
        entries[k] = g
    return entries


def turned(w):
    """Each filter plane of W (F, C, KH, KW) turned by 180 degrees: the kernel flipped along both axes."""
    return [[[list(reversed(row)) for row in reversed(plane)] for plane in filt] for filt in w]


def with_kernel_turned(layer, call, *arguments):
    """call(*arguments) while layer.params["W"] is its kernel turned by 180 degrees; W is put back afterwards."""
    kept = layer.params["W"]
    layer.params["W"] = turned(kept)
    try:
        return call(*arguments)
    finally:
        layer.params["W"] = kept


class Conv2DKernelFlipped(Conv2D):
    """forward is the spec's cross-correlation, but backward sends dy through the kernel flipped (the derivative of a
    convolution, half remembered): dx = col2im(dy . W turned by 180 degrees)."""

    component, block, diagnosis = "conv2d", "dx", "flipped-kernel"

    def backward(self, dy):
        return with_kernel_turned(self, super().backward, dy)  # dW and db do not read W: they stay right


class Conv2DTrueConvolution(Conv2D):
    """Flips the kernel in forward and in backward alike: consistent, so only a property sees the flip."""

    component, property, words = "conv2d", "a_one_hot_filter_picks_one_pixel", "flipped kernel"

    def forward(self, x):
        return with_kernel_turned(self, super().forward, x)

    def backward(self, dy):
        dx = with_kernel_turned(self, super().backward, dy)
        self.grads["W"] = turned(self.grads["W"])  # dL/dW of the turned kernel, turned back
        return dx


class Conv2DStrideIgnoredInBackward(Conv2D):
    """backward adds window (i, j)'s gradient back at (i, j) of the padded image, one pixel apart, not at (i sh, j sw)."""

    component, block, diagnosis = "conv2d", "dx", "stride-ignored"

    def backward(self, dy):
        super().backward(dy)
        (_, channels, height, width), (kh, kw), (ph, pw) = self.dims, self.kernel, self.padding
        dx = []
        for image in dy:
            planes = [[[0.0] * (width + 2 * pw) for _ in range(height + 2 * ph)] for _ in range(channels)]
            for f, d_map in enumerate(image):
                for i, d_row in enumerate(d_map):
                    for j, g in enumerate(d_row):
                        for c in range(channels):
                            for a in range(kh):
                                for e in range(kw):
                                    if i + a < height + 2 * ph and j + e < width + 2 * pw:
                                        planes[c][i + a][j + e] += g * self.params["W"][f][c][a][e]
            dx.append([[line[pw:pw + width] for line in plane[ph:ph + height]] for plane in planes])
        return dx


class Conv2DPaddingNotCutOff(Conv2D):
    """dx keeps the padding's rows and columns: (N, C, H + 2 ph, W + 2 pw)."""

    component, block, diagnosis = "conv2d", "dx", "padding-kept"

    def backward(self, dy):
        dx = super().backward(dy)
        ph, pw = self.padding
        return [[padded(plane, ph, pw) for plane in image] for image in dx]


class Conv2DFiltersAndChannelsSwappedInDW(Conv2D):
    """dW built as (C, F, KH, KW): dW[c][f] where dW[f][c] is meant."""

    component, block, diagnosis = "conv2d", "dW", "axes-swapped"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [list(column) for column in zip(*self.grads["W"])]
        return dx


class Conv2DStrideOnRowsOnly(Conv2D):
    """Slides the windows by the stride down the rows but one pixel at a time along them, in forward and backward:
    consistent with itself, so the gradient check passes; the output's width is wrong."""

    component, property, words = "conv2d", "output_shape_follows_the_formula", "(W + 2 pw - KW) // sw + 1"

    def __init__(self, *arguments, **named):
        super().__init__(*arguments, **named)
        self.stride = (self.stride[0], 1)


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

    component, property, words = "max_pool2d", "each_window_passes_its_dy_on_once", "every tied maximum"

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
