"""The digits CNN's training step, in the reference, in plain Python and in PyTorch (make bench, make compare-torch).

The network is the default of a digits run (reference/trainer/configs/digits.json):
Conv2D(1, 8, 3, padding=1) -> ReLU -> MaxPool2D(2) -> Flatten -> Dense(128, 10), trained with softmax cross-entropy
and plain gradient descent (lr LR) on batches of BATCH images (1, 8, 8). Every implementation starts from the
reference's initial weights [W (8, 1, 3, 3), b (8,), Wd (128, 10), bd (10,)] and takes the same steps:

- reference: the network `python -m reference train` builds (reference/trainer/architecture.py), reference.SGD;
- plain: the same step written by hand for speed: the windows of every image as rows (im2col), each product a
  sum(map(mul, ...)) of two rows, no objects; input_gradient=False leaves out dL/dx, which no trainer needs;
- torch: torch.nn layers in float64, CrossEntropyLoss, torch.optim.SGD, one thread.

Each class has prepare(x, t), gradients(x, t) -> (L, [dW, db, dWd, dbd]), step(x, t) -> L and descend(), as the
MLP's classes of implementations.py and peers.py, whose steps they share. This module imports reference/, those
two and the standard library (torch when asked), so PyPy runs it as a script:
`PYTHONPATH=. pypy3 checks/instruments/cnn.py EPOCHS ROWS` (ROWS 0: all) prints the CPU seconds of each epoch of the reference on the digits.
"""
import json
import math
import sys
import time
from operator import mul

import reference
from checks.instruments import implementations, peers
from reference.trainer.architecture import build_layers
from reference.trainer.digits import SHAPE, load

LAYERS = [{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": 1}, {"type": "relu"},
          {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"}, {"type": "dense"}]
NAMES = ("0.W", "0.b", "4.W", "4.b")  # the reference's names of [W, b, Wd, bd]
CLASSES, BATCH, LR = 10, 32, 0.1


def initial_weights():
    """The reference's starting parameters [W (8, 1, 3, 3), b (8,), Wd (128, 10), bd (10,)], as new lists."""
    model = build_layers(LAYERS, SHAPE, CLASSES)[0]
    return [json.loads(json.dumps(model.params[name])) for name in NAMES]


def digits_data(rows=None):
    """The digits in file order, all 1,797 or the first rows: x (N, 1, 8, 8), labels (N,)."""
    x, t = load()
    return (x[:rows], t[:rows]) if rows else (x, t)


class Reference(implementations.Reference):
    """The digits network as the trainer builds it, with SoftmaxCrossEntropy, stepped by reference.SGD."""

    name = "reference"

    def __init__(self, weights, lr=LR):
        self.model = build_layers(LAYERS, SHAPE, CLASSES)[0]
        for name, p in zip(NAMES, weights):
            self.model.params[name] = json.loads(json.dumps(p))
        self.loss, self.optimizer = reference.SoftmaxCrossEntropy(), reference.SGD(lr)

    def gradients(self, x, t):
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        return L, [self.model.grads[name] for name in NAMES]


class Plain:
    """The same step by hand: 3x3 windows with padding 1, 2x2 max pool, flat lists, products of rows."""

    name = "plain Python"

    def __init__(self, weights, lr=LR, input_gradient=True):
        W, b, Wd, bd = json.loads(json.dumps(weights))
        self.filters = [[v for c in w for row in c for v in row] for w in W]  # (F, C 3 3)
        self.b, self.Wd, self.bd, self.lr, self.input_gradient = b, Wd, bd, lr, input_gradient
        self.grads = None

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        n = len(x)
        windows = [w for image in x for w in im2col(image)]  # (N 64, C 9)
        z = [[sum(map(mul, f, w)) + b_f for w in windows] for f, b_f in zip(self.filters, self.b)]  # (F, N 64)
        h, winners = pool(z, n)  # h (N, F 16); winners[f]: the flat index of each window's first maximum
        logits = [[sum(map(mul, h_n, column)) + c for column, c in zip(zip(*self.Wd), self.bd)] for h_n in h]
        L, dlogits = softmax_cross_entropy(logits, t)
        dWd = [[sum(map(mul, h_d, g_k)) for g_k in zip(*dlogits)] for h_d in zip(*h)]  # h^T . dlogits
        dbd = [sum(g_k) for g_k in zip(*dlogits)]
        dh = [[sum(map(mul, row, g_n)) for row in self.Wd] for g_n in dlogits]  # dlogits . Wd^T
        dz = unpool(dh, winners, z, n)  # (F, N 64): dh at each window's maximum, where the conv output is > 0
        dW = [[sum(map(mul, dz_f, column)) for column in zip(*windows)] for dz_f in dz]
        self.grads = [dW, [sum(dz_f) for dz_f in dz], dWd, dbd]
        if self.input_gradient:  # dL/dx, as every layer's backward gives it; the images never use it
            d_windows = [[sum(map(mul, g, column)) for column in zip(*self.filters)] for g in zip(*dz)]
            for k in range(n):
                col2im(d_windows[k * 64:(k + 1) * 64])
        W_shape = [[[dW_f[0:3], dW_f[3:6], dW_f[6:9]]] for dW_f in dW]
        return L, [W_shape, self.grads[1], dWd, dbd]

    def step(self, x, t):
        L = self.gradients(x, t)[0]
        self.descend()
        return L

    def descend(self):
        dW, db, dWd, dbd = self.grads
        lr = self.lr
        self.filters = [[w - lr * g for w, g in zip(f, g_f)] for f, g_f in zip(self.filters, dW)]
        self.b = [v - lr * g for v, g in zip(self.b, db)]
        self.Wd = [[w - lr * g for w, g in zip(row, g_row)] for row, g_row in zip(self.Wd, dWd)]
        self.bd = [v - lr * g for v, g in zip(self.bd, dbd)]


def im2col(image):
    """image (1, 8, 8) -> its 64 windows of 3x3 with padding 1, each a row of 9 entries."""
    blank = [0.0] * 10
    rows = [blank] + [[0.0] + row + [0.0] for row in image[0]] + [blank]
    return [rows[i][j:j + 3] + rows[i + 1][j:j + 3] + rows[i + 2][j:j + 3] for i in range(8) for j in range(8)]


def col2im(d_windows):
    """64 window gradients (64, 9) -> dL/dx (1, 8, 8): each added back where its window was read."""
    grid = [[0.0] * 10 for _ in range(10)]
    for p, d in enumerate(d_windows):
        i, j = divmod(p, 8)
        for a in range(3):
            line = grid[i + a]
            line[j], line[j + 1], line[j + 2] = line[j] + d[3 * a], line[j + 1] + d[3 * a + 1], line[j + 2] + d[3 * a + 2]
    return [[line[1:9] for line in grid[1:9]]]


def pool(z, n):
    """Conv outputs z (F, N 64) -> ReLU then 2x2 max pool: h (N, F 16) and, per filter, the flat index of each
    window's first maximum (ReLU and max commute, so the pool reads z and clips its maximum at 0)."""
    h, winners = [[] for _ in range(n)], []
    for z_f in z:
        chosen = []
        for k in range(n):
            out = h[k]
            for top in range(k * 64, k * 64 + 64, 16):
                for left in range(top, top + 8, 2):
                    best = max((left, left + 1, left + 8, left + 9), key=z_f.__getitem__)
                    chosen.append(best)
                    v = z_f[best]
                    out.append(v if v > 0.0 else 0.0)
        winners.append(chosen)
    return h, winners


def unpool(dh, winners, z, n):
    """dh (N, F 16) -> dz (F, N 64): each pooled gradient at its window's maximum, if that conv output is > 0."""
    dz = []
    for f, (chosen, z_f) in enumerate(zip(winners, z)):
        dz_f = [0.0] * (64 * n)
        for q, index in enumerate(chosen):
            if z_f[index] > 0.0:
                dz_f[index] = dh[q // 16][f * 16 + q % 16]
        dz.append(dz_f)
    return dz


def softmax_cross_entropy(logits, t):
    """logits (N, 10), labels (N,) -> (mean loss, dL/dlogits (N, 10))."""
    n, L, d = len(logits), 0.0, []
    for z, c in zip(logits, t):
        m = max(z)
        e = [math.exp(v - m) for v in z]
        s = sum(e)
        L += m + math.log(s) - z[c]
        g = [v / s / n for v in e]
        g[c] -= 1.0 / n
        d.append(g)
    return L / n, d


class Torch(peers.Torch):
    """torch.nn.Sequential(Conv2d, ReLU, MaxPool2d, Flatten, Linear) in float64, CrossEntropyLoss, optim.SGD."""

    name = "torch"

    def __init__(self, weights, lr=LR):
        import torch
        W, b, Wd, bd = weights
        self.torch = torch
        self.net = torch.nn.Sequential(torch.nn.Conv2d(1, len(W), 3, padding=1), torch.nn.ReLU(),
                                       torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                       torch.nn.Linear(len(Wd), len(bd))).double()
        with torch.no_grad():  # Conv2d keeps W as (F, C, KH, KW), as the reference; Linear keeps Wd^T
            self.net[0].weight.copy_(torch.tensor(W, dtype=torch.float64))
            self.net[0].bias.copy_(torch.tensor(b, dtype=torch.float64))
            self.net[4].weight.copy_(torch.tensor(Wd, dtype=torch.float64).T)
            self.net[4].bias.copy_(torch.tensor(bd, dtype=torch.float64))
        self.loss = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=lr)

    def prepare(self, x, t):
        return self.torch.tensor(x, dtype=self.torch.float64), self.torch.tensor(t, dtype=self.torch.long)

    def gradients(self, x, t):
        x, t = self.prepare(x, t)
        self.optimizer.zero_grad()
        L = self.loss(self.net(x), t)
        L.backward()
        conv, dense = self.net[0], self.net[4]
        return L.item(), [conv.weight.grad.tolist(), conv.bias.grad.tolist(), dense.weight.grad.T.tolist(),
                          dense.bias.grad.tolist()]


def epoch(impl, x, t, batch=BATCH):
    """One pass over x, t (in impl's own form) in batches, in order."""
    for start in range(0, len(x), batch):
        impl.step(x[start:start + batch], t[start:start + batch])


def main(argv):
    """Time EPOCHS epochs of the reference on all the digits (the first is the warm-up) and print their CPU seconds
    as JSON: what the benchmark reads from PyPy."""
    epochs, rows = (int(argv[0]), int(argv[1]) or None) if argv else (3, None)
    x, t = digits_data(rows)
    impl, seconds = Reference(initial_weights()), []
    for _ in range(epochs):
        start = time.process_time()
        epoch(impl, x, t)
        seconds.append(time.process_time() - start)
    print(json.dumps({"python": sys.version.split()[0], "implementation": sys.implementation.name,
                      "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1:])
