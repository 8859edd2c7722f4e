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


CORRECT = [
    LoopDense, ColumnDense, ReLUOneAtZero, ReLUHalfAtZero, ReLUFromOutput, LeakyReLUOneAtZero, SigmoidKeepsInput,
    TanhFromExp, SoftmaxJacobian, MSELoops, BCEClipped, SCELogSoftmax, IdentityByMap,
]


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
