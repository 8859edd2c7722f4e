"""Average pooling over 2D windows (specs/avg_pool2d.md)."""
from reference.max_pool2d import as_rows, pooling_windows, windows_of
from reference.tensor import output_size


class AvgPool2D:
    """y[n][c][i][j] = mean of x[n][c] over the KH x KW window at (i SH, j SW): x (N, C, H, W) -> y (N, C, H', W').

    H' = (H - KH) // SH + 1 and W' likewise; the stride defaults to the kernel size (windows side by side).
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel, self.stride = pooling_windows("AvgPool2D", kernel_size, stride)
        self.params, self.grads = {}, {}
        self.dims = None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H', W'); keeps the shape of x, all the derivative needs."""
        self.dims = (len(x[0]), len(x[0][0]), len(x[0][0][0]))
        cols, size = output_size(self.dims[2], self.kernel[1], self.stride[1], 0), self.kernel[0] * self.kernel[1]
        return [[as_rows([sum(window) / size for window in plane], cols) for plane in image]
                for image in windows_of(x, self.kernel, self.stride, "AvgPool2D")]

    def backward(self, dy):
        """dy (N, C, H', W') -> dx (N, C, H, W): each window's dy spread evenly over it; overlapping windows add."""
        return [[self.plane_gradient(dy_plane) for dy_plane in dy_image] for dy_image in dy]

    def plane_gradient(self, dy_plane):
        """One plane: dy (H', W') -> dx (H, W)."""
        (kh, kw), (sh, sw), (_, h, w) = self.kernel, self.stride, self.dims
        dx = [[0.0] * w for _ in range(h)]
        for i, dy_row in enumerate(dy_plane):
            shares = [g / (kh * kw) for g in dy_row]
            for line in dx[i * sh:i * sh + kh]:
                for j, share in enumerate(shares):
                    for b in range(j * sw, j * sw + kw):
                        line[b] += share  # dL/dx = sum over the windows that hold x of dy / (KH KW)
        return dx
