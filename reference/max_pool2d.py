"""Max pooling over 2D windows (specs/max_pool2d.md)."""
from reference.tensor import im2col, output_size, pair

NO_PADDING = (0, 0)


def pooling_windows(layer, kernel_size, stride):
    """The window and the stride of a pooling layer as pairs (KH, KW), (SH, SW); the stride defaults to the window."""
    kernel = pair(kernel_size, f"{layer}: kernel_size", 1)
    return kernel, kernel if stride is None else pair(stride, f"{layer}: stride", 1)


def first_maximum(window):
    """The index of the first maximum of a window (row-major order): max keeps the first of equal values."""
    return window.index(max(window))


class MaxPool2D:
    """y[n][c][i][j] = max of x[n][c] over the KH x KW window at (i SH, j SW): x (N, C, H, W) -> y (N, C, H', W').

    H' = (H - KH) // SH + 1 and W' likewise; the stride defaults to the kernel size (windows side by side).
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel, self.stride = pooling_windows("MaxPool2D", kernel_size, stride)
        self.params, self.grads = {}, {}
        self.dims, self.winners = None, None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H', W'); keeps where each window's first maximum sits in it, and x's shape."""
        windows = windows_of(x, self.kernel, self.stride, "MaxPool2D")
        self.dims = (len(x[0]), len(x[0][0]), len(x[0][0][0]))
        cols = output_size(self.dims[2], self.kernel[1], self.stride[1], 0)
        self.winners = [[[first_maximum(window) for window in plane] for plane in image] for image in windows]
        return [[as_rows([window[k] for window, k in zip(plane, ks)], cols) for plane, ks in zip(image, image_ks)]
                for image, image_ks in zip(windows, self.winners)]

    def backward(self, dy):
        """dy (N, C, H', W') -> dx (N, C, H, W): each window's dy goes to its first maximum; overlapping windows add."""
        return [[self.plane_gradient(ks, dy_plane) for ks, dy_plane in zip(image_ks, dy_image)]
                for image_ks, dy_image in zip(self.winners, dy)]

    def plane_gradient(self, ks, dy_plane):
        """One plane: the winners ks of its windows and dy (H', W') -> dx (H, W)."""
        (sh, sw), kw, (_, h, w) = self.stride, self.kernel[1], self.dims
        dx = [[0.0] * w for _ in range(h)]
        cols = len(dy_plane[0])
        for p, g in enumerate(g for row in dy_plane for g in row):
            (i, j), (a, b) = divmod(p, cols), divmod(ks[p], kw)
            dx[i * sh + a][j * sw + b] += g  # dL/dx = sum of dy over the windows whose first maximum x is, else 0
        return dx


def windows_of(x, kernel, stride, layer):
    """x (N, C, H, W) -> [n][c] = the windows of plane x[n][c], im2col rows (H' W', KH KW) in row-major order."""
    h, w = len(x[0][0]), len(x[0][0][0])
    if h < kernel[0] or w < kernel[1]:
        raise ValueError(f"{layer}: the window {kernel[0]}x{kernel[1]} must fit inside the image, got an image of "
                         f"{h}x{w}")
    return [[im2col([plane], kernel, stride, NO_PADDING) for plane in image] for image in x]


def as_rows(values, cols):
    """A flat list of H' W' values, one per window in row-major order -> the plane (H', W')."""
    return [values[s:s + cols] for s in range(0, len(values), cols)]
