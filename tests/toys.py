"""Test-only layers that use what the protocol allows beyond (N, D) batches, and wrong versions of each.

- ScaleShift (rank 4): x (N, C, H, W) -> y[n][c][h][w] = scale[c] x[n][c][h][w] + shift[c][h % 2][w % 2],
  params scale (C,) and shift (C, 2, 2);
- Dropping (stochastic): inverted dropout drawing from its own rng in training mode, the identity in evaluation;
- Centering (rows depend on each other): y = x - the batch mean of each column, rows_independent = False.

The module imports the standard library only: its text is a submission file for the grader's child.
"""
import random


def zeros(c):
    return [[[0.0, 0.0], [0.0, 0.0]] for _ in range(c)]


class ScaleShift:
    """y[n][c][h][w] = scale[c] x[n][c][h][w] + shift[c][h % 2][w % 2]; x (N, C, H, W) -> y (N, C, H, W)."""

    def __init__(self, channels, seed=0):
        rng = random.Random(seed)
        self.params = {"scale": [rng.uniform(0.5, 2.0) for _ in range(channels)],
                       "shift": [[[rng.uniform(-1.0, 1.0) for _ in range(2)] for _ in range(2)]
                                 for _ in range(channels)]}
        self.grads = {"scale": [0.0] * channels, "shift": zeros(channels)}
        self.x = None

    def forward(self, x):
        self.x = x
        scale, shift = self.params["scale"], self.params["shift"]
        return [[[[scale[c] * v + shift[c][h % 2][w % 2] for w, v in enumerate(row)] for h, row in enumerate(plane)]
                 for c, plane in enumerate(image)] for image in x]

    def backward(self, dy):
        scale = self.params["scale"]
        dscale, dshift = [0.0] * len(scale), zeros(len(scale))
        for image, d_image in zip(self.x, dy):
            for c, (plane, d_plane) in enumerate(zip(image, d_image)):
                for h, (row, d_row) in enumerate(zip(plane, d_plane)):
                    for w, (v, g) in enumerate(zip(row, d_row)):
                        dscale[c] += g * v  # dL/dscale_c = sum_nhw dy x
                        dshift[c][h % 2][w % 2] += g  # dL/dshift_cab = sum of dy over n and h%2=a, w%2=b
        self.grads = {"scale": dscale, "shift": dshift}
        return [[[[scale[c] * g for g in d_row] for d_row in d_plane] for c, d_plane in enumerate(d_image)]
                for d_image in dy]  # dL/dx = scale_c dy


class ScaleShiftScaleNotSummed(ScaleShift):
    """dscale from the first image only, not summed over the batch."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["scale"] = [sum(g * v for row, d_row in zip(plane, d_plane) for v, g in zip(row, d_row))
                               for plane, d_plane in zip(self.x[0], dy[0])]
        return dx


class ScaleShiftShiftOnePosition(ScaleShift):
    """dshift summed over every position into [0][0], as if shift were one number per channel."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["shift"] = [[[sum(v for row in plane for v in row), 0.0], [0.0, 0.0]]
                               for plane in self.grads["shift"]]
        return dx


class Dropping:
    """Inverted dropout: in training mode each entry, in row-major order, is dropped when rng.random() < p, else
    kept and scaled by 1 / (1 - p); the identity in evaluation mode. x (N, D) -> y (N, D)."""

    def __init__(self, p=0.5, seed=0):
        self.p, self.rng, self.training = p, random.Random(seed), True
        self.params, self.grads, self.mask = {}, {}, None

    def forward(self, x):
        if not self.training:
            self.mask = [[1.0] * len(row) for row in x]
        else:
            keep = 1.0 / (1.0 - self.p)
            self.mask = [[0.0 if self.rng.random() < self.p else keep for _ in row] for row in x]
        return [[v * m for v, m in zip(row, m_row)] for row, m_row in zip(x, self.mask)]

    def backward(self, dy):
        return [[g * m for g, m in zip(row, m_row)] for row, m_row in zip(dy, self.mask)]  # dL/dx = dy m


class DroppingRedraws(Dropping):
    """backward draws a new mask instead of using the one forward applied."""

    def backward(self, dy):
        keep = 1.0 / (1.0 - self.p)
        return [[0.0 if self.rng.random() < self.p else g * keep for g in row] for row in dy]


class DroppingGlobalRandom(Dropping):
    """Draws from the global random state instead of its own rng: no checker can hold the draw fixed."""

    def forward(self, x):
        keep = 1.0 / (1.0 - self.p)
        self.mask = [[0.0 if random.random() < self.p else keep for _ in row] for row in x]
        return [[v * m for v, m in zip(row, m_row)] for row, m_row in zip(x, self.mask)]


class DroppingInEvaluation(Dropping):
    """Still drops in evaluation mode: the training flag is ignored."""

    def forward(self, x):
        training, self.training = self.training, True
        y = super().forward(x)
        self.training = training
        return y


class Centering:
    """y = x - mean over the batch of each column; row i of y depends on every row. x (N, D) -> y (N, D)."""

    rows_independent = False

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        n = len(x)
        means = [sum(column) / n for column in zip(*x)]
        return [[v - m for v, m in zip(row, means)] for row in x]

    def backward(self, dy):
        n = len(dy)
        means = [sum(column) / n for column in zip(*dy)]
        return [[g - m for g, m in zip(row, means)] for row in dy]  # dL/dx = dy - mean_n(dy)


class CenteringWithoutTheMeanPath(Centering):
    """dx = dy: the path through the batch mean is missing (the cross-row terms of the Jacobian)."""

    def backward(self, dy):
        return [list(row) for row in dy]
