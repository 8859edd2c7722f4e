"""make bench, the sequence row: one epoch of an LSTM on the bike windows in the reference, plain Python and PyTorch.

The model is LSTM(6, HIDDEN) -> LastStep -> Dense(HIDDEN, 1), H = 16, on windows of T = 24 hours (the five
features and the past count, specs/bike_sequences.md) from the chronological 80% training block; batches of
BATCH = 32, MSE, plain gradient descent with lr LR. Every implementation starts from the reference's weights and
takes the same steps:

- reference: reference.LSTM, LastStep, Dense, MSE, Sequential and SGD;
- plain: the same network written out in plain Python inside this module, one time step at a time;
- torch: torch.nn.LSTM and Linear in float64 on one thread, with torch.optim.SGD.

The epoch has thousands of windows; the time of the first ROWS windows, in batches, is scaled to the epoch (an
epoch costs its number of batches times the cost of one). The full gradient check of a one-layer LSTM at teaching
size (D = 5, H = 4, T = 6, N = 3) is timed here too.
"""
import math
import random
import statistics
import time

import reference
from checks.gradcheck import check_layer
from checks.instruments.compare_recurrent import windows
from checks.instruments.implementations import Learner, matmul, transpose  # the MLP's plain row and its helpers
from checks.instruments.timing import timed

HIDDEN, BATCH, LR, ROWS = 16, 32, 0.1, 256
GRADCHECK_SHAPE = (3, 6, 5, 4)  # N, T, D, H
GRADCHECK_TARGET = 1.0  # seconds


def initial_weights(n_in=6, hidden=HIDDEN):
    """[Wx (D, 4H), Wh (H, 4H), b (4H,), W (H, 1), c (1,)]: the reference's seeded starting weights, new lists."""
    lstm, dense = reference.LSTM(n_in, hidden, seed=0), reference.Dense(hidden, 1, seed=1)
    return [[list(r) for r in lstm.params["Wx"]], [list(r) for r in lstm.params["Wh"]], list(lstm.params["b"]),
            [list(r) for r in dense.params["W"]], list(dense.params["b"])]


class Reference:
    """reference/: Sequential([LSTM, LastStep, Dense]) with MSE, stepped by reference.SGD."""

    name = "reference"

    def __init__(self, weights, lr=LR):
        Wx, Wh, b, W, c = weights
        lstm, dense = reference.LSTM(len(Wx), len(Wh)), reference.Dense(len(W), 1)
        lstm.params.update(Wx=[list(r) for r in Wx], Wh=[list(r) for r in Wh], b=list(b))
        dense.params.update(W=[list(r) for r in W], b=list(c))
        self.model, self.loss = reference.Sequential([lstm, reference.LastStep(), dense]), reference.MSE()
        self.optimizer = reference.SGD(lr)

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        """-> (L, [dWx, dWh, db, dW, dc]) at the current weights, without a step."""
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        return L, [self.model.grads[name] for name in ("0.Wx", "0.Wh", "0.b", "2.W", "2.b")]

    def step(self, x, t):
        L = self.gradients(x, t)[0]
        self.optimizer.step(self.model.params, self.model.grads)
        return L


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def add_into(total, part):
    """total += part, entry by entry, for two matrices."""
    for row, other in zip(total, part):
        row[:] = [u + v for u, v in zip(row, other)]


class Plain(Learner):
    """The same network as plain Python writes it: lists, comprehensions, one time step at a time. The weights and
    their update are the MLP learner's (a new list for every weight at every step)."""

    name = "plain"

    def forward(self, x):
        """-> the hidden states h[0..T], cell states c[0..T] and gates (i, f, g, o) of every step."""
        Wx, Wh, b, _, _ = self.weights
        H, N = len(Wh), len(x)
        h, c, gates = [[[0.0] * H for _ in range(N)]], [[[0.0] * H for _ in range(N)]], []
        for step in range(len(x[0])):
            a = [[u + v + w for u, v, w in zip(p, q, b)]
                 for p, q in zip(matmul([row[step] for row in x], Wx), matmul(h[-1], Wh))]
            i = [[sigmoid(v) for v in row[:H]] for row in a]
            f = [[sigmoid(v) for v in row[H:2 * H]] for row in a]
            g = [[math.tanh(v) for v in row[2 * H:3 * H]] for row in a]
            o = [[sigmoid(v) for v in row[3 * H:]] for row in a]
            c.append([[fv * cv + iv * gv for fv, cv, iv, gv in zip(*rows)] for rows in zip(f, c[-1], i, g)])
            h.append([[ov * math.tanh(cv) for ov, cv in zip(*rows)] for rows in zip(o, c[-1])])
            gates.append((i, f, g, o))
        return h, c, gates

    def gradients(self, x, t):
        Wx, Wh, b, W, c_out = self.weights
        h, c, gates = self.forward(x)
        n = len(x)
        p = [[sum(u * v for u, v in zip(row, [w[0] for w in W])) + c_out[0]] for row in h[-1]]
        L = sum((p_row[0] - t_row[0]) ** 2 for p_row, t_row in zip(p, t)) / n
        dp = [[2 * (p_row[0] - t_row[0]) / n] for p_row, t_row in zip(p, t)]
        dW, dc_out = matmul(transpose(h[-1]), dp), [sum(row[0] for row in dp)]
        dh, dc = matmul(dp, transpose(W)), [[0.0] * len(Wh) for _ in x]
        dWx, dWh, db = [[0.0] * len(b) for _ in Wx], [[0.0] * len(b) for _ in Wh], [0.0] * len(b)
        for step in reversed(range(len(gates))):
            i, f, g, o = gates[step]
            tanh_c = [[math.tanh(v) for v in row] for row in c[step + 1]]
            dc = [[u + v * ov * (1 - tv * tv) for u, v, ov, tv in zip(*rows)] for rows in zip(dc, dh, o, tanh_c)]
            da = [[u * gv * iv * (1 - iv) for u, gv, iv in zip(*rows[:3])]
                  + [u * cv * fv * (1 - fv) for u, cv, fv in zip(rows[0], rows[3], rows[4])]
                  + [u * iv * (1 - gv * gv) for u, iv, gv in zip(rows[0], rows[2], rows[1])]
                  + [v * tv * ov * (1 - ov) for v, tv, ov in zip(rows[5], rows[6], rows[7])]
                  for rows in zip(dc, g, i, c[step], f, dh, tanh_c, o)]
            add_into(dWx, matmul(transpose([row[step] for row in x]), da))
            add_into(dWh, matmul(transpose(h[step]), da))
            db = [u + sum(column) for u, column in zip(db, zip(*da))]
            dh = matmul(da, transpose(Wh))
            dc = [[u * fv for u, fv in zip(*rows)] for rows in zip(dc, f)]
        return L, [dWx, dWh, db, dW, dc_out]


class Torch:
    """torch.nn.LSTM and Linear in float64 from the same weights, MSELoss, torch.optim.SGD: the usual loop."""

    name = "torch"

    def __init__(self, weights, lr=LR):
        import torch
        Wx, Wh, b, W, c = weights
        self.torch = torch
        self.lstm = torch.nn.LSTM(len(Wx), len(Wh), batch_first=True).double()
        self.linear = torch.nn.Linear(len(Wh), 1).double()
        with torch.no_grad():  # PyTorch keeps (out, in) weights, the transposes; its gate order is i, f, g, o too
            self.lstm.weight_ih_l0.copy_(self.tensor(Wx).T)
            self.lstm.weight_hh_l0.copy_(self.tensor(Wh).T)
            self.lstm.bias_ih_l0.copy_(self.tensor(b))
            self.lstm.bias_hh_l0.zero_()
            self.linear.weight.copy_(self.tensor(W).T)
            self.linear.bias.copy_(self.tensor(c))
        self.lstm.bias_hh_l0.requires_grad_(False)  # b is bias_ih alone; stepping bias_hh too would step b twice
        self.parameters = [p for p in (*self.lstm.parameters(), *self.linear.parameters()) if p.requires_grad]
        self.optimizer = torch.optim.SGD(self.parameters, lr=lr)
        self.loss = torch.nn.MSELoss()

    def tensor(self, value):
        return self.torch.tensor(value, dtype=self.torch.float64)

    def prepare(self, x, t):
        return self.tensor(x), self.tensor(t)

    def outputs(self, x):
        return self.linear(self.lstm(x)[0][:, -1, :])

    def gradients(self, x, t):
        x, t = self.prepare(x, t)
        self.optimizer.zero_grad()
        L = self.loss(self.outputs(x), t)
        L.backward()
        lstm, linear = self.lstm, self.linear
        return L.item(), [lstm.weight_ih_l0.grad.T.tolist(), lstm.weight_hh_l0.grad.T.tolist(),
                          lstm.bias_ih_l0.grad.tolist(), linear.weight.grad.T.tolist(), linear.bias.grad.tolist()]

    def step(self, x, t):
        self.optimizer.zero_grad()
        L = self.loss(self.outputs(x), t)
        L.backward()
        self.optimizer.step()
        return L


def epoch_seconds(classes, x, t, repeats, rows=ROWS):
    """name -> median seconds of one epoch of x: the first `rows` windows timed in batches, scaled to all of x."""
    runs = {}
    for cls in classes:
        impl = cls(initial_weights(len(x[0][0])))
        xs, ts = impl.prepare(x[:rows], t[:rows])
        runs[cls.name] = lambda impl=impl, xs=xs, ts=ts: [impl.step(xs[k:k + BATCH], ts[k:k + BATCH])
                                                          for k in range(0, len(xs), BATCH)]
    scale = -(-len(x) // BATCH) / -(-min(rows, len(x)) // BATCH)
    return {name: seconds * scale for name, seconds in timed(runs, repeats).items()}


def gradient_check_seconds(repeats):
    """-> (median wall seconds, median CPU seconds, report) of check_layer on LSTM(D, H) with a random x (N, T, D)
    at teaching size. CPU time (time.process_time) is what a machine shared with other work inflates least."""
    n, steps, d, h = GRADCHECK_SHAPE
    rng = random.Random(0)
    x = [[[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(steps)] for _ in range(n)]
    wall, cpu, report = [], [], None
    for _ in range(repeats + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = check_layer(reference.LSTM(d, h, seed=0), x, "lstm")
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall[1:]), statistics.median(cpu[1:]), report


def table(classes, repeats, out, rows=ROWS):
    """Print the sequence row's table and the gradient check's time; -> (seconds per epoch by name, check seconds)."""
    x, t = windows()
    seconds = epoch_seconds(classes, x, t, repeats, rows)
    out(f"One epoch of LSTM(6, {HIDDEN}) -> LastStep -> Dense({HIDDEN}, 1) on {len(x)} training windows of "
        f"{len(x[0])} hours (batch {BATCH}, MSE, gradient descent, lr {LR:g}); the first {min(rows, len(x))} windows "
        f"timed and scaled to the epoch.")
    out(f"{'implementation':<18} {'epoch (s)':>10} {'ms/window':>10} {'time / reference':>17}")
    for name, s in seconds.items():
        out(f"{name:<18} {s:>10.1f} {s / len(x) * 1e3:>10.3f} {s / seconds['reference']:>16.2f}x")
    check_s, check_cpu, report = gradient_check_seconds(repeats)
    n, steps, d, h = GRADCHECK_SHAPE
    entries = sum(len(b.entries) for b in report.blocks)
    out(f"Gradient check of LSTM(D = {d}, H = {h}) on x (N = {n}, T = {steps}, D = {d}): {entries} entries, "
        f"{report.calls['forward']} forward calls, {check_s:.3f} s ({check_cpu:.3f} s of CPU time), "
        f"{'passed' if report.passed else 'FAILED'} (target < {GRADCHECK_TARGET:g} s of CPU time: "
        f"{'met' if check_cpu < GRADCHECK_TARGET else 'NOT met'}).")
    return seconds, check_cpu
