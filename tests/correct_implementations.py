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
    LoopEmbedding,
]
