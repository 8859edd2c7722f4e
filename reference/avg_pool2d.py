"""Average pooling over 2D windows (specs/avg_pool2d.md)."""
from reference.max_pool2d import pair, pooled_size, window


class AvgPool2D:
    """y[n][c][i][j] = mean of x[n][c] over the KH x KW window at (i SH, j SW): x (N, C, H, W) -> y (N, C, H', W').

    H' = (H - KH) // SH + 1 and W' likewise; the stride defaults to the kernel size (windows side by side).
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel = pair(kernel_size, "AvgPool2D: kernel_size")
        self.stride = self.kernel if stride is None else pair(stride, "AvgPool2D: stride")
        self.params, self.grads = {}, {}
        self.shape = None

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C, H', W'); keeps the shape of x, all the derivative needs."""
        n, c, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
        out_h, out_w = pooled_size(h, w, self.kernel, self.stride, "AvgPool2D")
        self.shape, size = (n, c, h, w), self.kernel[0] * self.kernel[1]
        return [[[[sum(window(image, i, j, self.kernel, self.stride)) / size for j in range(out_w)]
                  for i in range(out_h)] for image in sample] for sample in x]

    def backward(self, dy):
        """dy (N, C, H', W') -> dx (N, C, H, W): each window's dy spread evenly over it; overlaps add."""
        n, c, h, w = self.shape
        (kh, kw), (sh, sw) = self.kernel, self.stride
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a in range(n):
            for b in range(c):
                for i, row in enumerate(dy[a][b]):
                    for j, g in enumerate(row):
                        share = g / (kh * kw)  # dL/dx = sum over the windows that hold x of dy / (KH KW)
                        for r in range(i * sh, i * sh + kh):
                            for s in range(j * sw, j * sw + kw):
                                dx[a][b][r][s] += share
        return dx
