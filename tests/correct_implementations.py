"""Correct implementations written differently from reference/: none of them may fail a gradient check.

They use explicit loops instead of the tensor helpers, other conventions at
kinks (ReLU'(0) = 1 or 1/2, LeakyReLU'(0) = 1), another cache (the input where
reference keeps the output, or the reverse), other constructor argument names,
and other ways of writing the same derivative. Each names the component it
implements and its kind, "correct" (tests/grading/gallery.py lists them too);
CORRECT lists them all.
"""
import math
import random


class LoopDense:
    """y = x W + b with explicit loops; dx is built from the rows of W: dx[n][d] = sum_m dy[n][m] W[d][m]."""

    component, kind = "dense", "correct"

    def __init__(self, inputs, outputs, seed=0):
        rng = random.Random(seed)
        limit = math.sqrt(6.0 / (inputs + outputs))
        self.params = {"W": [[rng.uniform(-limit, limit) for _ in range(outputs)] for _ in range(inputs)],
                       "b": [0.0] * outputs}
        self.grads = {"W": [[0.0] * outputs for _ in range(inputs)], "b": [0.0] * outputs}
        self.x = None

    def forward(self, x):
        weights, bias = self.params["W"], self.params["b"]
        self.x = [list(row) for row in x]
        y = []
        for row in x:
            out = list(bias)
            for d, value in enumerate(row):
                for m, w in enumerate(weights[d]):
                    out[m] += value * w
            y.append(out)
        return y

    def backward(self, dy):
        weights = self.params["W"]
        d_w = [[0.0] * len(weights[0]) for _ in weights]
        d_b = [0.0] * len(weights[0])
        for x_row, g_row in zip(self.x, dy):
            for m, g in enumerate(g_row):
                d_b[m] += g  # dL/db = sum_n dy[n]
                for d, value in enumerate(x_row):
                    d_w[d][m] += value * g  # dL/dW = x^T . dy
        self.grads = {"W": d_w, "b": d_b}
        return [[sum(g * w for g, w in zip(g_row, w_row)) for w_row in weights] for g_row in dy]  # dy . W^T


class ColumnDense:
    """y = x W + b, caching the columns of x (x^T) and reading W column by column through zip."""

    component, kind = "dense", "correct"

    def __init__(self, n_in, n_out, seed=0):
        rng = random.Random(seed + 17)
        self.params = {"W": [[rng.gauss(0.0, 0.5) for _ in range(n_out)] for _ in range(n_in)], "b": [0.1] * n_out}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        self.columns = [list(c) for c in zip(*x)]
        w_columns = list(zip(*self.params["W"]))
        return [[sum(a * w for a, w in zip(row, col)) + b for col, b in zip(w_columns, self.params["b"])]
                for row in x]

    def backward(self, dy):
        dy_columns = list(zip(*dy))
        self.grads["W"] = [[sum(a * g for a, g in zip(xc, gc)) for gc in dy_columns] for xc in self.columns]
        self.grads["b"] = [sum(gc) for gc in dy_columns]
        return [[sum(g * w for g, w in zip(g_row, w_row)) for w_row in self.params["W"]] for g_row in dy]


class ReLUOneAtZero:
    """max(x, 0) with ReLU'(0) = 1 (the test is x >= 0)."""

    component, kind = "relu", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[max(v, 0.0) for v in row] for row in x]

    def backward(self, dy):
        return [[g if v >= 0.0 else 0.0 for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class ReLUHalfAtZero:
    """max(x, 0) with ReLU'(0) = 1/2, the midpoint of the subgradients."""

    component, kind = "relu", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[v if v > 0.0 else 0.0 for v in row] for row in x]

    def backward(self, dy):
        slope = {True: 1.0, False: 0.0}
        return [[g * (0.5 if v == 0.0 else slope[v > 0.0]) for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class ReLUFromOutput:
    """max(x, 0), keeping a mask of the output (y > 0) instead of the input."""

    component, kind = "relu", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        y = [[v * (v > 0.0) for v in row] for row in x]
        self.mask = [[1.0 if v > 0.0 else 0.0 for v in row] for row in y]
        return y

    def backward(self, dy):
        return [[g * m for g, m in zip(gr, mr)] for gr, mr in zip(dy, self.mask)]


class LeakyReLUOneAtZero:
    """x if x >= 0 else slope x, with LeakyReLU'(0) = 1; the constructor argument is called slope."""

    component, kind = "leaky_relu", "correct"

    def __init__(self, slope=0.01):
        self.slope = slope
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[v if v >= 0.0 else self.slope * v for v in row] for row in x]

    def backward(self, dy):
        return [[g * (1.0 if v >= 0.0 else self.slope) for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


def logistic(v):
    """1 / (1 + exp(-v)) through exp(-|v|), which never overflows."""
    e = math.exp(-abs(v))
    return 1.0 / (1.0 + e) if v >= 0.0 else e / (1.0 + e)


class SigmoidKeepsInput:
    """The sigmoid, keeping x and recomputing sigma(x) in backward."""

    component, kind = "sigmoid", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = [list(row) for row in x]
        return [[logistic(v) for v in row] for row in x]

    def backward(self, dy):
        dx = []
        for g_row, x_row in zip(dy, self.x):
            dx.append([g * logistic(v) * logistic(-v) for g, v in zip(g_row, x_row)])  # sigma(x) (1 - sigma(x))
        return dx


class TanhFromExp:
    """tanh(x) = sign(x) (1 - exp(-2|x|)) / (1 + exp(-2|x|)), keeping x."""

    component, kind = "tanh", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    @staticmethod
    def value(v):
        e = math.exp(-2.0 * abs(v))
        return math.copysign((1.0 - e) / (1.0 + e), v)

    def forward(self, x):
        self.x = x
        return [[self.value(v) for v in row] for row in x]

    def backward(self, dy):
        return [[g * (1.0 - self.value(v) ** 2) for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class SoftmaxJacobian:
    """Row softmax; backward builds each row's Jacobian J_jk = y_j ([j = k] - y_k) and multiplies dy into it."""

    component, kind = "softmax", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.y = []
        for row in x:
            top = max(row)
            e = [math.exp(v - top) for v in row]
            total = math.fsum(e)
            self.y.append([v / total for v in e])
        return [list(row) for row in self.y]

    def backward(self, dy):
        dx = []
        for g, y in zip(dy, self.y):
            c = len(y)
            jacobian = [[y[j] * ((1.0 if j == k else 0.0) - y[k]) for k in range(c)] for j in range(c)]
            dx.append([sum(g[j] * jacobian[j][k] for j in range(c)) for k in range(c)])
        return dx


class MSELoops:
    """Mean squared error with explicit loops, keeping copies of p and t."""

    component, kind = "mse", "correct"

    def forward(self, y_pred, y_true):
        self.p = [list(row) for row in y_pred]
        self.t = [list(row) for row in y_true]
        total, count = 0.0, 0
        for p_row, t_row in zip(y_pred, y_true):
            for p, t in zip(p_row, t_row):
                total += (p - t) ** 2
                count += 1
        return total / count

    def backward(self):
        count = len(self.p) * len(self.p[0])
        return [[2.0 * (p - t) / count for p, t in zip(pr, tr)] for pr, tr in zip(self.p, self.t)]


class BCEClipped:
    """Binary cross-entropy on p clipped to [EPS, 1 - EPS] in forward and backward alike (no clamp on the log)."""

    component, kind = "binary_cross_entropy", "correct"
    EPS = 1e-12

    def forward(self, y_pred, y_true):
        self.p = [[min(max(p, self.EPS), 1.0 - self.EPS) for p in row] for row in y_pred]
        self.t = y_true
        terms = [t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
                 for p_row, t_row in zip(self.p, y_true) for p, t in zip(p_row, t_row)]
        return -math.fsum(terms) / len(terms)

    def backward(self):
        count = len(self.p) * len(self.p[0])
        return [[(-t / p + (1.0 - t) / (1.0 - p)) / count for p, t in zip(pr, tr)] for pr, tr in zip(self.p, self.t)]


class SCELogSoftmax:
    """Softmax cross-entropy through log-softmax: L = -mean_n log_softmax(z_n)[c_n]; keeps the logits."""

    component, kind = "softmax_cross_entropy", "correct"

    @staticmethod
    def log_softmax(z):
        top = max(z)
        log_total = top + math.log(math.fsum(math.exp(v - top) for v in z))
        return [v - log_total for v in z]

    def forward(self, y_pred, y_true):
        self.z, self.c = [list(row) for row in y_pred], list(y_true)
        return -math.fsum(self.log_softmax(z)[c] for z, c in zip(self.z, self.c)) / len(self.z)

    def backward(self):
        n = len(self.z)
        out = []
        for z, c in zip(self.z, self.c):
            p = [math.exp(v) for v in self.log_softmax(z)]
            p[c] -= 1.0  # dL/dz = (softmax(z) - onehot(c)) / N
            out.append([v / n for v in p])
        return out


class IdentityByMap:
    """y = x, copied with map; backward passes dy through, copied the same way."""

    component, kind = "identity", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return list(map(list, x))

    def backward(self, dy):
        return list(map(list, dy))



def as_pair(value):
    return (value, value) if isinstance(value, int) else (value[0], value[1])


class LoopMaxPool2D:
    """Max pooling with explicit loops, keeping x and finding each window's maximum again in backward; at a tie the
    last maximum in row-major order takes the window's dy (another subgradient than the spec's first)."""

    component, kind = "max_pool2d", "correct"

    def __init__(self, kernel_size, stride=None):
        self.kh, self.kw = as_pair(kernel_size)
        self.sh, self.sw = as_pair(kernel_size if stride is None else stride)
        self.params, self.grads = {}, {}
        self.x = None

    def last_maximum(self, image, i, j):
        best = (i * self.sh, j * self.sw)
        for r in range(i * self.sh, i * self.sh + self.kh):
            for s in range(j * self.sw, j * self.sw + self.kw):
                if image[r][s] >= image[best[0]][best[1]]:
                    best = (r, s)
        return best

    def forward(self, x):
        self.x = [[[list(row) for row in image] for image in sample] for sample in x]
        out_h, out_w = (len(x[0][0]) - self.kh) // self.sh + 1, (len(x[0][0][0]) - self.kw) // self.sw + 1
        y = []
        for sample in x:
            y.append([])
            for image in sample:
                rows = []
                for i in range(out_h):
                    rows.append([image[r][s] for r, s in (self.last_maximum(image, i, j) for j in range(out_w))])
                y[-1].append(rows)
        return y

    def backward(self, dy):
        dx = [[[[0.0 for _ in row] for row in image] for image in sample] for sample in self.x]
        for n, sample in enumerate(dy):
            for c, image in enumerate(sample):
                for i, row in enumerate(image):
                    for j, g in enumerate(row):
                        r, s = self.last_maximum(self.x[n][c], i, j)
                        dx[n][c][r][s] += g  # each window adds its dy at its first maximum
        return dx


class LoopAvgPool2D:
    """Average pooling with explicit loops; backward adds dy / (KH KW) over each window."""

    component, kind = "avg_pool2d", "correct"

    def __init__(self, kernel_size, stride=None):
        self.kh, self.kw = as_pair(kernel_size)
        self.sh, self.sw = as_pair(kernel_size if stride is None else stride)
        self.params, self.grads = {}, {}
        self.dims = None

    def forward(self, x):
        n, c, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
        self.dims = (n, c, h, w)
        out_h, out_w = (h - self.kh) // self.sh + 1, (w - self.kw) // self.sw + 1
        y = [[[[0.0] * out_w for _ in range(out_h)] for _ in range(c)] for _ in range(n)]
        for a in range(n):
            for b in range(c):
                for i in range(out_h):
                    for j in range(out_w):
                        total = 0.0
                        for r in range(i * self.sh, i * self.sh + self.kh):
                            for s in range(j * self.sw, j * self.sw + self.kw):
                                total += x[a][b][r][s]
                        y[a][b][i][j] = total / (self.kh * self.kw)
        return y

    def backward(self, dy):
        n, c, h, w = self.dims
        dx = [[[[0.0] * w for _ in range(h)] for _ in range(c)] for _ in range(n)]
        for a in range(n):
            for b in range(c):
                for i, row in enumerate(dy[a][b]):
                    for j, g in enumerate(row):
                        for r in range(i * self.sh, i * self.sh + self.kh):
                            for s in range(j * self.sw, j * self.sw + self.kw):
                                dx[a][b][r][s] += g / (self.kh * self.kw)
        return dx


class LoopBatchNorm2D:
    """Spatial batch norm channel by channel, keeping x, the statistics and the mode; dx from the compact formula
    dx = gamma / (M s) (M dy - sum(dy) - xhat sum(dy xhat)), M = N H W."""

    component, kind = "batch_norm2d", "correct"

    def __init__(self, channels, eps=1e-5, momentum=0.1):
        self.eps, self.momentum, self.training = eps, momentum, True
        self.params = {"gamma": [1.0] * channels, "beta": [0.0] * channels}
        self.grads = {"gamma": [0.0] * channels, "beta": [0.0] * channels}
        self.running_mean, self.running_var = [0.0] * channels, [1.0] * channels
        self.x, self.mean, self.std, self.used_batch = None, None, None, True

    @staticmethod
    def entries(t, c):
        return [v for sample in t for row in sample[c] for v in row]

    def forward(self, x):
        channels = range(len(x[0]))
        self.x, self.used_batch = [[[list(r) for r in image] for image in sample] for sample in x], self.training
        if self.training:
            self.mean, var = [], []
            for c in channels:
                v = self.entries(x, c)
                m = sum(v) / len(v)
                self.mean.append(m)
                var.append(sum((a - m) ** 2 for a in v) / len(v))
                k = len(v)
                self.running_mean[c] = (1 - self.momentum) * self.running_mean[c] + self.momentum * m
                self.running_var[c] = (1 - self.momentum) * self.running_var[c] + self.momentum * var[c] * k / (k - 1)
        else:
            self.mean, var = list(self.running_mean), list(self.running_var)
        self.std = [math.sqrt(v + self.eps) for v in var]
        g, b = self.params["gamma"], self.params["beta"]
        return [[[[g[c] * (v - self.mean[c]) / self.std[c] + b[c] for v in row] for row in image]
                 for c, image in enumerate(sample)] for sample in x]

    def backward(self, dy):
        g = self.params["gamma"]
        dgamma, dbeta, scale = [], [], []
        for c in range(len(g)):
            d = self.entries(dy, c)
            h = [(v - self.mean[c]) / self.std[c] for v in self.entries(self.x, c)]
            dbeta.append(sum(d))
            dgamma.append(sum(a * b for a, b in zip(d, h)))
            scale.append((sum(d) / len(d), dgamma[-1] / len(d)) if self.used_batch else (0.0, 0.0))
        self.grads = {"gamma": dgamma, "beta": dbeta}
        return [[[[g[c] / self.std[c] * (d - scale[c][0] - (v - self.mean[c]) / self.std[c] * scale[c][1])
                   for d, v in zip(drow, xrow)] for drow, xrow in zip(dimage, ximage)]
                 for c, (dimage, ximage) in enumerate(zip(dsample, xsample))] for dsample, xsample in zip(dy, self.x)]

CORRECT = [
    LoopDense, ColumnDense, ReLUOneAtZero, ReLUHalfAtZero, ReLUFromOutput, LeakyReLUOneAtZero, SigmoidKeepsInput,
    TanhFromExp, SoftmaxJacobian, MSELoops, BCEClipped, SCELogSoftmax, IdentityByMap,
    LoopMaxPool2D, LoopAvgPool2D, LoopBatchNorm2D,
]
