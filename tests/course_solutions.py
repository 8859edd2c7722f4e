"""Correct solutions of the course's exercises (specs/course.md), written as a learner might write them.

Each is self-contained, the standard library only: a graded submission cannot
import reference. tests/test_course.py writes a step's classes into one file,
binds the component's class name to the first, and grades it with --step N.
They use plain loops, not reference's helpers, and the step-1 neuron has no
backward at all: step 1 grades the prediction only.
"""
import math
import random


class PredictingNeuron:
    """Step 1: y = x w + b, and nothing else yet."""

    def __init__(self, n_in, seed=0):
        rng = random.Random(seed)
        limit = math.sqrt(6.0 / (n_in + 1))
        self.params = {"w": [rng.uniform(-limit, limit) for _ in range(n_in)], "b": [0.0]}
        self.grads = {"w": [0.0] * n_in, "b": [0.0]}

    def forward(self, x):
        w, b = self.params["w"], self.params["b"][0]
        return [[sum(v * w_d for v, w_d in zip(row, w)) + b] for row in x]


class LearningNeuron:
    """Step 4: the neuron with its backward, keeping its own copy of the input."""

    def __init__(self, n_in, seed=0):
        rng = random.Random(seed)
        limit = math.sqrt(6.0 / (n_in + 1))
        self.params = {"w": [rng.uniform(-limit, limit) for _ in range(n_in)], "b": [0.0]}
        self.grads = {"w": [0.0] * n_in, "b": [0.0]}
        self.inputs = []

    def forward(self, x):
        self.inputs = [list(row) for row in x]
        w, b = self.params["w"], self.params["b"][0]
        return [[sum(v * w_d for v, w_d in zip(row, w)) + b] for row in x]

    def backward(self, dy):
        w = self.params["w"]
        dw, db = [0.0] * len(w), 0.0
        for row, (g,) in zip(self.inputs, dy):
            db += g  # dL/db = sum_n dy_n
            for d, v in enumerate(row):
                dw[d] += g * v  # dL/dw_d = sum_n dy_n x_nd
        self.grads = {"w": dw, "b": [db]}
        return [[g * w_d for w_d in w] for (g,) in dy]  # dL/dx_nd = dy_n w_d


class MeanSquaredValue:
    """Step 2: the loss value, a mean over every entry."""

    def forward(self, y_pred, y_true):
        squares = [(p - t) ** 2 for p_row, t_row in zip(y_pred, y_true) for p, t in zip(p_row, t_row)]
        return sum(squares) / len(squares)


class MeanSquaredError:
    """Step 3: the loss and its gradient, keeping the predictions and targets."""

    def forward(self, y_pred, y_true):
        self.pairs = [[(p, t) for p, t in zip(p_row, t_row)] for p_row, t_row in zip(y_pred, y_true)]
        count = len(self.pairs) * len(self.pairs[0])
        return sum((p - t) * (p - t) for row in self.pairs for p, t in row) / count

    def backward(self):
        count = len(self.pairs) * len(self.pairs[0])
        return [[2.0 * (p - t) / count for p, t in row] for row in self.pairs]


class PredictingDense:
    """Step 5: y = x W + b, column by column."""

    def __init__(self, n_in, n_out, seed=0):
        rng = random.Random(seed)
        limit = math.sqrt(6.0 / (n_in + n_out))
        self.params = {"W": [[rng.uniform(-limit, limit) for _ in range(n_out)] for _ in range(n_in)],
                       "b": [0.0] * n_out}
        self.grads = {"W": [[0.0] * n_out for _ in range(n_in)], "b": [0.0] * n_out}

    def forward(self, x):
        W, b = self.params["W"], self.params["b"]
        columns = list(zip(*W))
        return [[sum(v * w for v, w in zip(row, column)) + b_m for column, b_m in zip(columns, b)] for row in x]


class Rectifier:
    """Step 6: ReLU, keeping which entries were positive."""

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.on = [[v > 0.0 for v in row] for row in x]
        return [[v if v > 0.0 else 0.0 for v in row] for row in x]

    def backward(self, dy):
        return [[g if on else 0.0 for g, on in zip(g_row, on_row)] for g_row, on_row in zip(dy, self.on)]


class DenseLayer:
    """Step 7: Dense with its backward, in explicit loops."""

    def __init__(self, n_in, n_out, seed=0):
        rng = random.Random(seed)
        limit = math.sqrt(6.0 / (n_in + n_out))
        self.params = {"W": [[rng.uniform(-limit, limit) for _ in range(n_out)] for _ in range(n_in)],
                       "b": [0.0] * n_out}
        self.grads = {"W": [[0.0] * n_out for _ in range(n_in)], "b": [0.0] * n_out}
        self.x = None

    def forward(self, x):
        self.x = x
        W, b = self.params["W"], self.params["b"]
        return [[sum(row[d] * W[d][m] for d in range(len(W))) + b[m] for m in range(len(b))] for row in x]

    def backward(self, dy):
        W = self.params["W"]
        n_in, n_out = len(W), len(W[0])
        dW = [[sum(row[d] * g[m] for row, g in zip(self.x, dy)) for m in range(n_out)] for d in range(n_in)]
        db = [sum(g[m] for g in dy) for m in range(n_out)]
        self.grads = {"W": dW, "b": db}
        return [[sum(g[m] * W[d][m] for m in range(n_out)) for d in range(n_in)] for g in dy]


class KeyedEntries:
    """The layers' params (or grads) seen as one mapping "<index>.<name>" -> the layer's own list."""

    def __init__(self, layers, attribute):
        self.layers, self.attribute = layers, attribute

    def locate(self, key):
        index, _, name = key.partition(".")
        if not index.isdigit() or int(index) >= len(self.layers):
            raise KeyError(key)
        entries = getattr(self.layers[int(index)], self.attribute)
        if name not in entries:
            raise KeyError(key)
        return entries, name

    def __getitem__(self, key):
        entries, name = self.locate(key)
        return entries[name]

    def __setitem__(self, key, value):
        entries, name = self.locate(key)
        entries[name] = value

    def keys(self):
        return [f"{i}.{name}" for i, layer in enumerate(self.layers) for name in getattr(layer, self.attribute)]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.keys()

    def items(self):
        return [(key, self[key]) for key in self.keys()]

    def get(self, key, default=None):
        return self[key] if key in self else default


class Network:
    """Steps 8 and 12: forward in order, backward in reverse, params and grads reaching into the layers."""

    def __init__(self, layers):
        self.layers = list(layers)
        self.params = KeyedEntries(self.layers, "params")
        self.grads = KeyedEntries(self.layers, "grads")

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in self.layers[::-1]:
            dy = layer.backward(dy)
        return dy


class GradientDescent:
    """Steps 9 to 11: p <- p - lr g, in place, for matrices and vectors."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for name in params:
            p, g = params[name], grads[name]
            if p and isinstance(p[0], list):
                for p_row, g_row in zip(p, g):
                    for j in range(len(p_row)):
                        p_row[j] -= self.lr * g_row[j]
            else:
                for j in range(len(p)):
                    p[j] -= self.lr * g[j]


SOLUTIONS = {  # step -> the classes of its file, the graded one first
    1: [PredictingNeuron], 2: [MeanSquaredValue], 3: [MeanSquaredError], 4: [LearningNeuron],
    5: [PredictingDense], 6: [Rectifier], 7: [DenseLayer], 8: [Network, KeyedEntries],
    9: [GradientDescent], 10: [GradientDescent], 11: [GradientDescent], 12: [Network, KeyedEntries],
}


class WindowMaximum:
    """Step 14: max pooling with plain loops; at a tie the first maximum in row-major order wins (strict >)."""

    def __init__(self, kernel_size, stride=None):
        self.size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        step = self.size if stride is None else stride
        self.step = (step, step) if isinstance(step, int) else tuple(step)
        self.params, self.grads = {}, {}
        self.won = []
        self.shape = None

    def forward(self, x):
        (kh, kw), (sh, sw) = self.size, self.step
        height, width = len(x[0][0]), len(x[0][0][0])
        self.shape, self.won, y = (len(x), len(x[0]), height, width), [], []
        for image in x:
            maps = []
            for plane in image:
                rows = []
                for top in range(0, height - kh + 1, sh):
                    row = []
                    for left in range(0, width - kw + 1, sw):
                        best = (top, left)
                        for r in range(top, top + kh):
                            for c in range(left, left + kw):
                                if plane[r][c] > plane[best[0]][best[1]]:
                                    best = (r, c)
                        self.won.append(best)
                        row.append(plane[best[0]][best[1]])
                    rows.append(row)
                maps.append(rows)
            y.append(maps)
        return y

    def backward(self, dy):
        n, c, height, width = self.shape
        dx = [[[[0.0] * width for _ in range(height)] for _ in range(c)] for _ in range(n)]
        flat = [(a, b, g) for a, image in enumerate(dy) for b, plane in enumerate(image) for row in plane for g in row]
        for (a, b, g), (r, s) in zip(flat, self.won):
            dx[a][b][r][s] += g  # the window's dy to its maximum; overlapping windows add
        return dx


SOLUTIONS[14] = [WindowMaximum]
