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


class GatherConv2D:
    """Conv2D on an explicitly padded copy of x, with other argument names; dx gathers, for each padded pixel, the
    dy of every window that read it: dx[c][r][q] = sum_{f, a, e : r - a = i sh, q - e = j sw} dy[f][i][j] W[f][c][a][e]."""

    component, kind = "conv2d", "correct"

    def __init__(self, channels, filters, size, step=1, pad=0, seed=0):
        self.size, self.step, self.pad = [(v, v) if isinstance(v, int) else tuple(v) for v in (size, step, pad)]
        rng = random.Random(seed + 29)
        scale = 1.0 / math.sqrt(channels * self.size[0] * self.size[1])
        self.params = {"W": [[[[rng.gauss(0.0, scale) for _ in range(self.size[1])] for _ in range(self.size[0])]
                               for _ in range(channels)] for _ in range(filters)], "b": [0.1] * filters}
        self.grads = {}
        self.padded = None

    def forward(self, x):
        (ph, pw), (kh, kw), (sh, sw) = self.pad, self.size, self.step
        self.padded = [[[[0.0] * (len(plane[0]) + 2 * pw) for _ in range(ph)]
                        + [[0.0] * pw + list(row) + [0.0] * pw for row in plane]
                        + [[0.0] * (len(plane[0]) + 2 * pw) for _ in range(ph)] for plane in image] for image in x]
        rows = (len(self.padded[0][0]) - kh) // sh + 1
        cols = (len(self.padded[0][0][0]) - kw) // sw + 1
        filters = [[v for plane in filt for row in plane for v in row] for filt in self.params["W"]]
        y = []
        for image in self.padded:
            maps = [[[0.0] * cols for _ in range(rows)] for _ in filters]
            for i in range(rows):
                for j in range(cols):
                    window = [v for plane in image for row in plane[i * sh:i * sh + kh] for v in row[j * sw:j * sw + kw]]
                    for out, filt, b in zip(maps, filters, self.params["b"]):
                        out[i][j] = b + sum(w * v for w, v in zip(filt, window))
            y.append(maps)
        return y

    def backward(self, dy):
        (ph, pw), (kh, kw), (sh, sw) = self.pad, self.size, self.step
        weights = self.params["W"]
        rows, cols = len(dy[0][0]), len(dy[0][0][0])
        self.grads = {
            "W": [[[[sum(g[f][i][j] * image[c][i * sh + a][j * sw + e]
                         for image, g in zip(self.padded, dy) for i in range(rows) for j in range(cols))
                     for e in range(kw)] for a in range(kh)] for c in range(len(weights[0]))]
                  for f in range(len(weights))],
            "b": [sum(v for g in dy for row in g[f] for v in row) for f in range(len(weights))]}
        dx = []
        for image, g in zip(self.padded, dy):
            planes = []
            for c, plane in enumerate(image):
                out = [[0.0] * (len(plane[0]) - 2 * pw) for _ in range(len(plane) - 2 * ph)]
                for r in range(ph, len(plane) - ph):
                    for q in range(pw, len(plane[0]) - pw):
                        out[r - ph][q - pw] = sum(
                            g[f][(r - a) // sh][(q - e) // sw] * weights[f][c][a][e]
                            for f in range(len(weights)) for a in range(kh) for e in range(kw)
                            if (r - a) % sh == 0 and (q - e) % sw == 0
                            and 0 <= (r - a) // sh < rows and 0 <= (q - e) // sw < cols)
                planes.append(out)
            dx.append(planes)
        return dx


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
class LoopEmbedding:
    """A lookup table written with explicit branches for ids (N,) and (N, T), and dW summed in a dict by id."""

    component, kind = "embedding", "correct"

    def __init__(self, vocab_size, width, seed=0):
        rng = random.Random(seed)
        self.vocab_size = vocab_size
        self.params = {"W": [[rng.gauss(0.0, 1.0) for _ in range(width)] for _ in range(vocab_size)]}
        self.grads = {"W": [[0.0] * width for _ in range(vocab_size)]}
        self.ids = None

    def checked(self, i):
        if type(i) is not int or i < 0 or i >= self.vocab_size:
            raise ValueError(f"ids must be integers in [0, n_vocab) = [0, {self.vocab_size}), got {i!r}")
        return i

    def forward(self, ids):
        table = self.params["W"]
        if ids and isinstance(ids[0], list):
            self.ids = [[self.checked(i) for i in row] for row in ids]
            return [[list(table[i]) for i in row] for row in self.ids]
        self.ids = [self.checked(i) for i in ids]
        return [list(table[i]) for i in self.ids]

    def backward(self, dy):
        sequences = bool(self.ids) and isinstance(self.ids[0], list)
        pairs = [(i, g) for row, g_row in zip(self.ids, dy) for i, g in zip(row, g_row)] if sequences \
            else list(zip(self.ids, dy))
        sums = {}
        for i, g in pairs:
            sums[i] = [a + b for a, b in zip(sums[i], g)] if i in sums else list(g)  # dW[i] = sum of dy at id i
        width = len(self.params["W"][0])
        self.grads = {"W": [sums.get(i, [0.0] * width) for i in range(self.vocab_size)]}
        return [[0.0] * len(row) for row in self.ids] if sequences else [0.0] * len(self.ids)


class ClippedSGDByHand:
    """Gradient descent on clipped gradients, the norm summed entry by entry over matrices and vectors; the factor
    applied while stepping, so grads are never copied or changed. An optimizer has no gradient check: it is not in
    CORRECT, and tests/grading/test_grade_embedding.py grades it."""

    component, kind = "gradient_clipping", "correct"

    def __init__(self, learning_rate, bound=1.0):
        self.lr, self.max_norm = learning_rate, bound

    def step(self, params, grads):
        total = 0.0
        for g in grads.values():
            for row in g:
                total += sum(v * v for v in row) if isinstance(row, list) else row * row
        norm = math.sqrt(total)
        c = self.max_norm / norm if norm > self.max_norm else 1.0
        for name, p in params.items():
            g = grads[name]
            for i in range(len(p)):
                if isinstance(p[i], list):
                    for j in range(len(p[i])):
                        p[i][j] -= self.lr * c * g[i][j]
                else:
                    p[i] -= self.lr * c * g[i]


CORRECT = [
    LoopDense, ColumnDense, ReLUOneAtZero, ReLUHalfAtZero, ReLUFromOutput, LeakyReLUOneAtZero, SigmoidKeepsInput,
    TanhFromExp, SoftmaxJacobian, MSELoops, BCEClipped, SCELogSoftmax, IdentityByMap,
    GatherConv2D, LoopMaxPool2D, LoopAvgPool2D, LoopBatchNorm2D, LoopEmbedding,
]


class LoopRNN:
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b) with explicit loops; keeps the pre-activations a_t and takes tanh's slope
    as 1 - tanh(a_t)^2, where the reference keeps the states and uses 1 - h_t^2."""

    component, kind = "rnn", "correct"

    def __init__(self, inputs, hidden, seed=0):
        rng, k = random.Random(seed), 1.0 / math.sqrt(hidden)
        self.params = {"Wx": [[rng.uniform(-k, k) for _ in range(hidden)] for _ in range(inputs)],
                       "Wh": [[rng.uniform(-k, k) for _ in range(hidden)] for _ in range(hidden)],
                       "b": [rng.uniform(-k, k) for _ in range(hidden)]}
        self.grads = {name: None for name in self.params}
        self.dh0 = None

    def forward(self, x, h0=None):
        wx, wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        hidden = len(b)
        self.x = [[list(row) for row in sequence] for sequence in x]
        self.a, self.h0 = [], [list(row) for row in h0] if h0 is not None else [[0.0] * hidden for _ in x]
        out = []
        for n, sequence in enumerate(x):
            state, pre, states = self.h0[n], [], []
            for row in sequence:
                a = [b[j] + sum(v * wx[d][j] for d, v in enumerate(row)) + sum(s * wh[k][j] for k, s in enumerate(state))
                     for j in range(hidden)]
                state = [math.tanh(v) for v in a]
                pre.append(a)
                states.append(state)
            self.a.append(pre)
            out.append(states)
        return out

    def backward(self, dy):
        wx, wh = self.params["Wx"], self.params["Wh"]
        d_wx = [[0.0] * len(row) for row in wx]
        d_wh = [[0.0] * len(row) for row in wh]
        d_b = [0.0] * len(wh)
        dx, dh0 = [], []
        for n, pre in enumerate(self.a):
            carried = [0.0] * len(wh)  # what step t + 1 sends back to h_t
            rows = [None] * len(pre)
            for t in reversed(range(len(pre))):
                da = [(g + c) * (1.0 - math.tanh(a) ** 2) for g, c, a in zip(dy[n][t], carried, pre[t])]
                before = [math.tanh(v) for v in pre[t - 1]] if t > 0 else self.h0[n]
                for j, g in enumerate(da):
                    d_b[j] += g  # dL/db = sum over steps and rows of da
                    for d, v in enumerate(self.x[n][t]):
                        d_wx[d][j] += v * g  # dL/dWx = sum_t x_t^T da_t
                    for k, v in enumerate(before):
                        d_wh[k][j] += v * g  # dL/dWh = sum_t h_{t-1}^T da_t
                rows[t] = [sum(g * w for g, w in zip(da, w_row)) for w_row in wx]  # da Wx^T
                carried = [sum(g * w for g, w in zip(da, w_row)) for w_row in wh]  # da Wh^T
            dx.append(rows)
            dh0.append(carried)
        self.grads, self.dh0 = {"Wx": d_wx, "Wh": d_wh, "b": d_b}, dh0
        return dx


class IndexedLastStep:
    """y[n] = x[n][T - 1] read at index T - 1; dx built as zeros with dy written into the last step."""

    component, kind = "last_step", "correct"

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.shape = (len(x), len(x[0]), len(x[0][0]))
        return [[v for v in sequence[len(sequence) - 1]] for sequence in x]

    def backward(self, dy):
        n, steps, width = self.shape
        dx = [[[0.0] * width for _ in range(steps)] for _ in range(n)]
        for i, row in enumerate(dy):
            dx[i][steps - 1] = list(row)
        return dx


CORRECT += [LoopRNN, IndexedLastStep]


def logistic_of(v):
    """1 / (1 + exp(-v)) in the form whose exp cannot overflow."""
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0.0 else math.exp(v) / (1.0 + math.exp(v))


class LoopLSTM:
    """An LSTM with loops over sequences, steps and units; it keeps the pre-activations and tanh(c) per step, and
    walks back one sequence at a time (the reference keeps the gates and walks back the whole batch at once)."""

    component, kind = "lstm", "correct"

    def __init__(self, n_in, n_hidden, seed=0):
        rng, k = random.Random(seed), 1.0 / math.sqrt(n_hidden)
        self.params = {"Wx": [[rng.uniform(-k, k) for _ in range(4 * n_hidden)] for _ in range(n_in)],
                       "Wh": [[rng.uniform(-k, k) for _ in range(4 * n_hidden)] for _ in range(n_hidden)],
                       "b": [rng.uniform(-k, k) for _ in range(4 * n_hidden)]}
        self.grads = {}
        self.size = n_hidden
        self.tape = []

    def forward(self, x, h0=None, c0=None):
        wx, wh, b, size = self.params["Wx"], self.params["Wh"], self.params["b"], self.size
        self.tape, out, last = [], [], []
        for n, sequence in enumerate(x):
            h = list(h0[n]) if h0 else [0.0] * size
            c = list(c0[n]) if c0 else [0.0] * size
            steps, hs = [], []
            for x_t in sequence:
                a = [b[j] + sum(v * wx[d][j] for d, v in enumerate(x_t)) + sum(v * wh[k][j] for k, v in enumerate(h))
                     for j in range(4 * size)]
                gates = [logistic_of(a[j]) if j < 2 * size or j >= 3 * size else math.tanh(a[j]) for j in range(4 * size)]
                c_new = [gates[size + j] * c[j] + gates[j] * gates[2 * size + j] for j in range(size)]
                tanh_c = [math.tanh(v) for v in c_new]
                steps.append({"x": list(x_t), "h": h, "c": c, "gates": gates, "tanh_c": tanh_c})
                h, c = [gates[3 * size + j] * tanh_c[j] for j in range(size)], c_new
                hs.append(h)
            self.tape.append(steps)
            out.append(hs)
            last.append(c)
        self.c_last = last
        return out

    def backward(self, dy):
        wx, wh, size = self.params["Wx"], self.params["Wh"], self.size
        d_wx = [[0.0] * (4 * size) for _ in wx]
        d_wh = [[0.0] * (4 * size) for _ in wh]
        d_b = [0.0] * (4 * size)
        dx, self.dh0, self.dc0 = [], [], []
        for steps, dy_n in zip(self.tape, dy):
            dh_next, dc_next, dx_n = [0.0] * size, [0.0] * size, [None] * len(steps)
            for t in reversed(range(len(steps))):
                s = steps[t]
                g = s["gates"]
                dh = [dy_n[t][j] + dh_next[j] for j in range(size)]
                dc = [dc_next[j] + dh[j] * g[3 * size + j] * (1.0 - s["tanh_c"][j] ** 2) for j in range(size)]
                da = ([dc[j] * g[2 * size + j] * g[j] * (1.0 - g[j]) for j in range(size)]
                      + [dc[j] * s["c"][j] * g[size + j] * (1.0 - g[size + j]) for j in range(size)]
                      + [dc[j] * g[j] * (1.0 - g[2 * size + j] ** 2) for j in range(size)]
                      + [dh[j] * s["tanh_c"][j] * g[3 * size + j] * (1.0 - g[3 * size + j]) for j in range(size)])
                for j, v in enumerate(da):
                    d_b[j] += v
                    for d, xv in enumerate(s["x"]):
                        d_wx[d][j] += xv * v
                    for k, hv in enumerate(s["h"]):
                        d_wh[k][j] += hv * v
                dx_n[t] = [sum(da[j] * wx[d][j] for j in range(4 * size)) for d in range(len(wx))]
                dh_next = [sum(da[j] * wh[k][j] for j in range(4 * size)) for k in range(size)]
                dc_next = [dc[j] * g[size + j] for j in range(size)]
            dx.append(dx_n)
            self.dh0.append(dh_next)
            self.dc0.append(dc_next)
        self.grads = {"Wx": d_wx, "Wh": d_wh, "b": d_b}
        return dx


class LoopGRU:
    """A GRU with loops over sequences, steps and units; it keeps ah_n and the gates per step, and walks back one
    sequence at a time."""

    component, kind = "gru", "correct"

    def __init__(self, n_in, n_hidden, seed=0):
        rng, k = random.Random(seed), 1.0 / math.sqrt(n_hidden)
        self.params = {"Wx": [[rng.uniform(-k, k) for _ in range(3 * n_hidden)] for _ in range(n_in)],
                       "Wh": [[rng.uniform(-k, k) for _ in range(3 * n_hidden)] for _ in range(n_hidden)],
                       "bx": [rng.uniform(-k, k) for _ in range(3 * n_hidden)],
                       "bh": [rng.uniform(-k, k) for _ in range(3 * n_hidden)]}
        self.grads = {}
        self.size = n_hidden
        self.tape = []

    def forward(self, x, h0=None):
        wx, wh, bx, bh, size = self.params["Wx"], self.params["Wh"], self.params["bx"], self.params["bh"], self.size
        self.tape, out = [], []
        for n, sequence in enumerate(x):
            h, steps, hs = list(h0[n]) if h0 else [0.0] * size, [], []
            for x_t in sequence:
                ax = [bx[j] + sum(v * wx[d][j] for d, v in enumerate(x_t)) for j in range(3 * size)]
                ah = [bh[j] + sum(v * wh[k][j] for k, v in enumerate(h)) for j in range(3 * size)]
                r = [logistic_of(ax[j] + ah[j]) for j in range(size)]
                z = [logistic_of(ax[size + j] + ah[size + j]) for j in range(size)]
                cand = [math.tanh(ax[2 * size + j] + r[j] * ah[2 * size + j]) for j in range(size)]
                steps.append({"x": list(x_t), "h": h, "r": r, "z": z, "n": cand, "ah_n": ah[2 * size:]})
                h = [(1.0 - z[j]) * cand[j] + z[j] * h[j] for j in range(size)]
                hs.append(h)
            self.tape.append(steps)
            out.append(hs)
        return out

    def backward(self, dy):
        wx, wh, size = self.params["Wx"], self.params["Wh"], self.size
        grads = {"Wx": [[0.0] * (3 * size) for _ in wx], "Wh": [[0.0] * (3 * size) for _ in wh],
                 "bx": [0.0] * (3 * size), "bh": [0.0] * (3 * size)}
        dx, self.dh0 = [], []
        for steps, dy_n in zip(self.tape, dy):
            dh_next, dx_n = [0.0] * size, [None] * len(steps)
            for t in reversed(range(len(steps))):
                s = steps[t]
                dh = [dy_n[t][j] + dh_next[j] for j in range(size)]
                da_n = [dh[j] * (1.0 - s["z"][j]) * (1.0 - s["n"][j] ** 2) for j in range(size)]
                da_z = [dh[j] * (s["h"][j] - s["n"][j]) * s["z"][j] * (1.0 - s["z"][j]) for j in range(size)]
                da_r = [da_n[j] * s["ah_n"][j] * s["r"][j] * (1.0 - s["r"][j]) for j in range(size)]
                dax = da_r + da_z + da_n
                dah = da_r + da_z + [da_n[j] * s["r"][j] for j in range(size)]
                for j in range(3 * size):
                    grads["bx"][j] += dax[j]
                    grads["bh"][j] += dah[j]
                    for d, xv in enumerate(s["x"]):
                        grads["Wx"][d][j] += xv * dax[j]
                    for k, hv in enumerate(s["h"]):
                        grads["Wh"][k][j] += hv * dah[j]
                dx_n[t] = [sum(dax[j] * wx[d][j] for j in range(3 * size)) for d in range(len(wx))]
                dh_next = [dh[k] * s["z"][k] + sum(dah[j] * wh[k][j] for j in range(3 * size)) for k in range(size)]
            dx.append(dx_n)
            self.dh0.append(dh_next)
        self.grads = grads
        return dx


CORRECT += [LoopLSTM, LoopGRU]
