"""Max pooling over 2D windows (specs/max_pool2d.md)."""


def pair(value, name):
    """An int k or a pair (kh, kw) of positive ints -> the pair (k, k) or (kh, kw)."""
    kh, kw = (value, value) if isinstance(value, int) else tuple(value)
    if not (isinstance(kh, int) and isinstance(kw, int) and kh >= 1 and kw >= 1):
        raise ValueError(f"{name} must be a positive int or a pair of positive ints, got {value!r}")
    return kh, kw


def pooled_size(h, w, kernel, stride, layer):
    """The output size (H', W') = ((H - KH) // SH + 1, (W - KW) // SW + 1) of windows that fit inside (H, W)."""
    (kh, kw), (sh, sw) = kernel, stride
    if h < kh or w < kw:
        raise ValueError(f"{layer}: the window {kh}x{kw} must fit inside the image, got an image of {h}x{w}")
    return (h - kh) // sh + 1, (w - kw) // sw + 1


def window(image, i, j, kernel, stride):
    """The window (KH, KW) of one channel (H, W) at output position (i, j), as a flat row-major list."""
    (kh, kw), (sh, sw) = kernel, stride
    return [v for row in image[i * sh:i * sh + kh] for v in row[j * sw:j * sw + kw]]


def argmax_first(values):
    """The index of the first maximum of values (row-major order within a window)."""
    best = 0
    for k, v in enumerate(values):
        if v > values[best]:
            best = k
    return best


class MaxPool2D:
    """y[n][c][i][j] = max of x[n][c] over the KH x KW window at (i SH, j SW): x (N, C, H, W) -> y (N, C, H', W').

    H' = (H - KH) // SH + 1 and W' likewise; the stride defaults to the kernel size (windows side by side).
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel = pair(kernel_size, "MaxPool2D: kernel_size")
        self.stride = self.kernel if stride is None else pair(stride, "MaxPool2D: stride")
        self.params, self.grads = {}, {}
        self.shape, self.winners = None, None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H', W'); keeps, per window, where its first maximum sits in x."""
        n, c, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
        out_h, out_w = pooled_size(h, w, self.kernel, self.stride, "MaxPool2D")
        self.shape, self.winners = (n, c, h, w), []
        y = [[[[0.0] * out_w for _ in range(out_h)] for _ in range(c)] for _ in range(n)]
        for a in range(n):
            for b in range(c):
                for i in range(out_h):
                    for j in range(out_w):
                        values = window(x[a][b], i, j, self.kernel, self.stride)
                        k = argmax_first(values)
                        y[a][b][i][j] = values[k]
                        self.winners.append((a, b, i, j, i * self.stride[0] + k // self.kernel[1],
                                             j * self.stride[1] + k % self.kernel[1]))
        return y

    def backward(self, dy):
        """dy (N, C, H', W') -> dx (N, C, H, W): each window's dy goes to its first maximum; overlaps add."""
        n, c, h, w = self.shape
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a, b, i, j, r, s in self.winners:
            dx[a][b][r][s] += dy[a][b][i][j]  # dL/dx = sum over the windows whose maximum x is of dy, else 0
        return dx
