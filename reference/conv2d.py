"""Two-dimensional convolution of a batch of images (specs/conv2d.md)."""
import random

from reference.flatten import dims_of, flat, unflat
from reference.initializers import xavier_uniform
from reference.tensor import col2im, dot_rows, im2col, output_size, pair, transpose


class Conv2D:
    """y[n][f][i][j] = b[f] + sum_{c,a,e} W[f][c][a][e] xp[n][c][i sh + a][j sw + e]: x (N, C, H, W) -> y (N, F, H', W').

    xp is x with padding zeros on every side; H' = (H + 2 ph - KH) // sh + 1, W' alike; W (F, C, KH, KW), b (F,).
    A cross-correlation (no kernel flip), computed as one product of rows, im2col (specs/tensor.md).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, seed=0):
        self.kernel = pair(kernel_size, "Conv2D: kernel_size", 1)
        self.stride = pair(stride, "Conv2D: stride", 1)
        self.padding = pair(padding, "Conv2D: padding", 0)
        self.in_channels, window = in_channels, (in_channels,) + self.kernel  # a filter's shape (C, KH, KW)
        columns = xavier_uniform(in_channels * self.kernel[0] * self.kernel[1], out_channels, random.Random(seed))
        self.params = {"W": [unflat(column, window) for column in zip(*columns)], "b": [0.0] * out_channels}
        self.grads = {"W": [unflat([0.0] * len(columns), window) for _ in range(out_channels)],
                      "b": [0.0] * out_channels}
        self.dims, self.windows = None, None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, F, H', W'); keeps the windows (N H' W', C KH KW), which dW needs, and x's shape."""
        self.dims = self.shape_of(x)
        self.windows = [row for image in x for row in im2col(image, self.kernel, self.stride, self.padding)]
        filters = [flat(w) for w in self.params["W"]]  # (F, C KH KW): each filter read in the windows' order
        y = dot_rows(filters, self.windows)  # y[f][p] = W_f . window_p   (F, N H' W')
        size, cols = len(self.windows) // len(x), output_size(self.dims[3], self.kernel[1], self.stride[1],
                                                                self.padding[1])
        return [[[[v + b_f for v in y_f[s:s + cols]] for s in range(n * size, (n + 1) * size, cols)]
                 for y_f, b_f in zip(y, self.params["b"])] for n in range(len(x))]

    def backward(self, dy):
        """dy (N, F, H', W') -> dx (N, C, H, W); sets grads W (F, C, KH, KW) and b (F,)."""
        dy_rows = [[v for image in dy for row in image[f] for v in row] for f in range(len(dy[0]))]  # (F, N H' W')
        self.grads["b"] = [sum(dy_f) for dy_f in dy_rows]  # dL/db_f = sum_{n,i,j} dy[n][f][i][j]   (F,)
        dW = dot_rows(dy_rows, transpose(self.windows))  # dL/dW_f = sum_p dy[f][p] window_p   (F, C KH KW)
        self.grads["W"] = [unflat(row, self.dims[1:2] + self.kernel) for row in dW]
        filters = [flat(w) for w in self.params["W"]]
        d_windows = dot_rows(transpose(dy_rows), transpose(filters))  # dL/dwindow_p = sum_f dy[f][p] W_f
        size = len(d_windows) // len(dy)  # H' W' windows per image
        return [col2im(d_windows[n * size:(n + 1) * size], self.dims[1:], self.kernel, self.stride, self.padding)
                for n in range(len(dy))]  # dL/dx[c][h][w] = sum of dL/dwindow over the windows that read x[c][h][w]

    def shape_of(self, x):
        """x's shape (N, C, H, W), or a ValueError naming the rule it breaks."""
        dims = dims_of(x)
        if len(dims) != 4 or dims[1] != self.in_channels:  # an empty batch [] has shape (0,)
            raise ValueError(f"Conv2D: x must be a batch (N, C, H, W) of N >= 1 images with C = in_channels = "
                             f"{self.in_channels}, got shape {dims}")
        (kh, kw), (ph, pw) = self.kernel, self.padding
        if dims[2] + 2 * ph < kh or dims[3] + 2 * pw < kw:
            raise ValueError(f"Conv2D: the padded image (H + 2 ph, W + 2 pw) = ({dims[2] + 2 * ph}, {dims[3] + 2 * pw})"
                             f" must be at least as large as the kernel (KH, KW) = {self.kernel}")
        return dims
