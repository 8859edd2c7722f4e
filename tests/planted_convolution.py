"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries).

Standard library and reference only: the grader's tests send these classes to its child as submission files.
"""
import itertools

from reference import Conv2D, Flatten
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
