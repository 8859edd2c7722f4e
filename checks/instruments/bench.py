"""make bench: the reference against its peers, one training epoch side by side.

The network is Dense(5, H) -> ReLU -> Dense(H, 1), H = 8 (57 parameters),
trained for one epoch on the chronological 80% training part of the hourly
bike data: batches of 64 in time order, MSE, plain gradient descent with
lr = 0.1. Every implementation starts from the reference's initial weights
and takes the same steps, so all of them do the same arithmetic:

- reference: its own Dense, ReLU, MSE, Sequential and optimizer;
- learner: the same steps written the plain way, with comprehensions, zip and sum;
- micrograd: the scalar autograd engine, one graph node per number, run on
  the first MICROGRAD_ROWS rows only (it is slow) and scaled per sample;
- torch: PyTorch CPU autograd in float64 on one thread, when it is installed,
  with torch.optim.SGD (the usual loop) and with a bare loop (no optimizer object).

The growth table times the first GROWTH_ROWS rows of each case and scales to
a full epoch: the cost of an epoch is its number of batches times the cost of one.

Timings use time.perf_counter: one warm-up epoch, then the median of several
repeats, taken in turns so that a busy moment of the machine hits every
implementation alike. Run as `python -m checks.instruments.bench` (see --help).
"""
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings

import reference
from checks.cli import Parser
from checks.gradcheck import check_layer
from reference.trainer.bike_sharing import chronological_split, load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HIDDEN, BATCH, LR = 8, 64, 0.1
REPEATS = 5
MICROGRAD_ROWS = 384
GROWTH_ROWS = 3072  # a multiple of every batch size in GROWTH_BATCH
GROWTH_HIDDEN = (8, 32, 128)
GROWTH_BATCH = (1, 16, 64, 256)
GRADCHECK_ROWS = 4
TARGETS = {"micrograd": 50.0, "torch": 1.5, "gradcheck": 0.1}  # x faster, x torch's time, seconds


def training_data(rows=None):
    """The chronological 80% training part: x (N, 5) scaled features, t (N, 1) = cnt / 1000."""
    (x, t), _ = chronological_split(*load(), (0.8, 0.2))
    return (x[:rows], t[:rows]) if rows else (x, t)


def initial_weights(hidden=HIDDEN):
    """The reference's starting parameters [W1 (5, H), b1 (H,), W2 (H, 1), b2 (1,)], as new lists."""
    first, second = reference.Dense(5, hidden, seed=0), reference.Dense(hidden, 1, seed=1)
    return [[list(row) for row in first.params["W"]], list(first.params["b"]),
            [list(row) for row in second.params["W"]], list(second.params["b"])]


class InlineSGD:
    """p <- p - lr g, in place, for every parameter: the update reference.SGD makes, for a tree without it."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        lr = self.lr
        for name, p in params.items():
            g = grads[name]
            if isinstance(p[0], list):
                for p_row, g_row in zip(p, g):
                    p_row[:] = [v - lr * d for v, d in zip(p_row, g_row)]
            else:
                p[:] = [v - lr * d for v, d in zip(p, g)]


class Reference:
    """reference/: Sequential([Dense, ReLU, Dense]) with MSE, stepped by reference.SGD (or InlineSGD)."""

    name = "reference"

    def __init__(self, weights, lr=LR):
        W1, b1, W2, b2 = weights
        first, second = reference.Dense(len(W1), len(b1)), reference.Dense(len(W2), len(b2))
        first.params.update(W=[list(row) for row in W1], b=list(b1))
        second.params.update(W=[list(row) for row in W2], b=list(b2))
        self.model, self.loss = reference.Sequential([first, reference.ReLU(), second]), reference.MSE()
        sgd = getattr(reference, "SGD", None)
        self.optimizer = sgd(lr) if sgd else InlineSGD(lr)

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        """-> (L, [dW1, db1, dW2, db2]) at the current weights, without a step."""
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        return L, [self.model.grads[name] for name in ("0.W", "0.b", "2.W", "2.b")]

    def step(self, x, t):
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        self.optimizer.step(self.model.params, self.model.grads)
        return L

    def descend(self):
        """The gradient-descent step with the gradients of the latest gradients() call (make compare-torch)."""
        self.optimizer.step(self.model.params, self.model.grads)


# The learner's helpers, written the way they usually are: matmul takes the
# columns of b again for every row of a, and sums a generator of products.
def matmul(a, b):
    return [[sum(u * v for u, v in zip(row, column)) for column in zip(*b)] for row in a]


def transpose(a):
    return [list(column) for column in zip(*a)]


def add_bias(a, b):
    return [[v + c for v, c in zip(row, b)] for row in a]


class Learner:
    """The same training step as a learner writes it: helper functions of comprehensions, zip and sum."""

    name = "learner"

    def __init__(self, weights, lr=LR):
        self.weights, self.lr = weights, lr  # replaced by new lists at every step, never edited

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        W1, b1, W2, b2 = self.weights
        z = add_bias(matmul(x, W1), b1)
        h = [[max(0.0, v) for v in row] for row in z]
        p = add_bias(matmul(h, W2), b2)
        n = len(x)
        L = sum((p_row[0] - t_row[0]) ** 2 for p_row, t_row in zip(p, t)) / n
        dp = [[2 * (p_row[0] - t_row[0]) / n] for p_row, t_row in zip(p, t)]
        dh = matmul(dp, transpose(W2))
        dz = [[g if v > 0 else 0.0 for g, v in zip(g_row, z_row)] for g_row, z_row in zip(dh, z)]
        grads = [matmul(transpose(x), dz), [sum(c) for c in zip(*dz)],
                 matmul(transpose(h), dp), [sum(c) for c in zip(*dp)]]
        return L, grads

    def step(self, x, t):
        L, grads = self.gradients(x, t)
        lr = self.lr
        self.weights = [[w - lr * g for w, g in zip(p, d)] if isinstance(p[0], float)
                        else [[w - lr * g for w, g in zip(p_row, g_row)] for p_row, g_row in zip(p, d)]
                        for p, d in zip(self.weights, grads)]
        return L


class Micrograd:
    """micrograd.nn.MLP(5, [H, 1]): ReLU neurons, then a linear one; the batch loss is the mean of (y - t)^2.

    micrograd's conventions match the reference's: ReLU passes no gradient at
    0, and the output neuron is linear. It adds the bias first (sum(w x, b)),
    so its sums round in a different order: equal to about 1e-15, not exactly.
    """

    name = "micrograd"

    def __init__(self, weights, lr=LR):
        from micrograd.nn import MLP
        W1, b1, W2, b2 = weights  # MLP draws weights from the global random module; they are all replaced here
        self.net, self.lr = MLP(len(W1), [len(b1), 1]), lr
        for layer, W, b in zip(self.net.layers, (W1, W2), (b1, b2)):
            for m, neuron in enumerate(layer.neurons):
                for d, w in enumerate(neuron.w):
                    w.data = W[d][m]
                neuron.b.data = b[m]

    @staticmethod
    def prepare(x, t):
        return x, t

    def forward_backward(self, x, t):
        from micrograd.engine import Value
        for p in self.net.parameters():
            p.grad = 0.0
        L = sum(((self.net(x_n) - t_n[0]) ** 2 for x_n, t_n in zip(x, t)), Value(0.0)) * (1.0 / len(x))
        L.backward()
        return L

    def gradients(self, x, t):
        L = self.forward_backward(x, t)
        first, second = self.net.layers
        grads = []
        for layer in (first, second):
            grads.append([[n.w[d].grad for n in layer.neurons] for d in range(len(layer.neurons[0].w))])
            grads.append([n.b.grad for n in layer.neurons])
        return L.data, grads

    def step(self, x, t):
        L = self.forward_backward(x, t)
        for p in self.net.parameters():
            p.data -= self.lr * p.grad
        return L.data


class Torch:
    """torch.nn.Sequential(Linear, ReLU, Linear) in float64, MSELoss, torch.optim.SGD: the usual loop."""

    name = "torch"

    def __init__(self, weights, lr=LR):
        import torch
        W1, b1, W2, b2 = weights
        self.torch = torch
        self.net = torch.nn.Sequential(torch.nn.Linear(len(W1), len(b1)), torch.nn.ReLU(),
                                       torch.nn.Linear(len(W2), 1)).double()
        with torch.no_grad():  # nn.Linear keeps its weight as (M, D): the transpose of W
            for linear, W, b in ((self.net[0], W1, b1), (self.net[2], W2, b2)):
                linear.weight.copy_(torch.tensor(W, dtype=torch.float64).T)
                linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        self.loss = torch.nn.MSELoss()
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=lr)

    def prepare(self, x, t):
        return self.torch.tensor(x, dtype=self.torch.float64), self.torch.tensor(t, dtype=self.torch.float64)

    def gradients(self, x, t):
        x, t = self.prepare(x, t)
        self.optimizer.zero_grad()
        L = self.loss(self.net(x), t)
        L.backward()
        first, second = self.net[0], self.net[2]
        return L.item(), [first.weight.grad.T.tolist(), first.bias.grad.tolist(),
                          second.weight.grad.T.tolist(), second.bias.grad.tolist()]

    def step(self, x, t):
        self.optimizer.zero_grad()
        L = self.loss(self.net(x), t)
        L.backward()
        self.optimizer.step()
        return L

    def descend(self):
        """torch.optim.SGD's step with the gradients of the latest gradients() call (make compare-torch)."""
        self.optimizer.step()


class TorchBare(Torch):
    """The same network with the leanest loop: grads set to None and p -= lr g under no_grad, no optimizer object."""

    name = "torch, bare loop"

    def step(self, x, t):
        torch, lr = self.torch, self.optimizer.param_groups[0]["lr"]
        for p in self.net.parameters():
            p.grad = None
        L = self.loss(self.net(x), t)
        L.backward()
        with torch.no_grad():
            for p in self.net.parameters():
                p.sub_(p.grad, alpha=lr)
        return L


def torch_available():
    """True when torch imports; it then runs on one thread, as the pure-Python implementations do."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns when NumPy is absent; nothing here needs NumPy
            import torch
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


def micrograd_available():
    try:
        import micrograd.nn  # noqa: F401
    except ImportError:
        return False
    return True


def epoch(impl, x, t, batch):
    """One pass over x, t (already in impl's own form) in batches, in order."""
    for start in range(0, len(x), batch):
        impl.step(x[start:start + batch], t[start:start + batch])


def timed(runs, repeats):
    """runs: name -> function of no arguments. One warm-up each, then repeats rounds in turns -> name -> median s."""
    times = {name: [] for name in runs}
    for name, run in runs.items():
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def epoch_runs(classes, x, t, hidden, batch, rows=None):
    """name -> (a function that trains one epoch, rows it covers), for each implementation class."""
    runs = {}
    for cls in classes:
        impl = cls(initial_weights(hidden))
        n = rows.get(cls.name, len(x)) if rows else len(x)
        xs, ts = impl.prepare(x[:n], t[:n])
        runs[cls.name] = ((lambda impl=impl, xs=xs, ts=ts: epoch(impl, xs, ts, batch)), n)
    return runs


def side_by_side(classes, x, t, repeats, out):
    """The main table: per-sample microseconds and ratios to the reference -> name -> us per sample."""
    runs = epoch_runs(classes, x, t, HIDDEN, BATCH, {"micrograd": min(MICROGRAD_ROWS, len(x))})
    medians = timed({name: run for name, (run, _) in runs.items()}, repeats)
    per_sample = {name: medians[name] / runs[name][1] * 1e6 for name in runs}
    ref = per_sample["reference"]
    out(f"{'implementation':<18} {'rows timed':>10} {'us/sample':>10} {'epoch (s)':>10} {'time / reference':>17}")
    for name, us in per_sample.items():
        epoch_s = us * len(x) / 1e6
        out(f"{name:<18} {runs[name][1]:>10} {us:>10.2f} {epoch_s:>10.3f} {us / ref:>16.2f}x")
    return per_sample


def growth(classes, x, t, repeats, out):
    """Epoch time (s) as the hidden layer and the batch grow: reference, learner and torch's usual loop."""
    classes = [c for c in classes if c in (Reference, Learner, Torch)]
    rows = min(GROWTH_ROWS, len(x))
    header = "".join(f"{c.name:>12}" for c in classes) + (f"{'reference / torch':>19}" if Torch in classes else "")
    out(f"{'hidden':>6} {'batch':>5}{header}")
    cases = [(h, BATCH) for h in GROWTH_HIDDEN] + [(HIDDEN, b) for b in GROWTH_BATCH if b != BATCH]
    for hidden, batch in cases:
        runs = epoch_runs(classes, x[:rows], t[:rows], hidden, batch)
        medians = {name: s * len(x) / rows for name, s in timed({n: r for n, (r, _) in runs.items()}, repeats).items()}
        cells = "".join(f"{medians[c.name]:>11.3f}s" for c in classes)
        ratio = f"{medians['reference'] / medians['torch']:>18.2f}x" if "torch" in medians else ""
        out(f"{hidden:>6} {batch:>5}{cells}{ratio}")


def gradient_check_time(x, repeats):
    """-> (median seconds, report) of check_layer on the 5-8-1 MLP with GRADCHECK_ROWS input rows."""
    times, report = [], None
    for _ in range(repeats + 1):
        model = Reference(initial_weights()).model
        start = time.perf_counter()
        report = check_layer(model, x[:GRADCHECK_ROWS], "sequential")
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), report


def make_check_time():
    """-> (seconds, exit code) of one `python -m checks check`, run as a subprocess."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "checks", "check"], cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def verdict(met):
    return "met" if met else "NOT met"


def arguments(argv):
    p = Parser(prog="python -m checks.instruments.bench", description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=REPEATS, help=f"timed repeats after the warm-up (default {REPEATS})")
    p.add_argument("--rows", type=int, default=None, help="train on the first ROWS rows only (a quick run)")
    p.add_argument("--no-growth", action="store_true", help="skip the table of hidden and batch sizes")
    p.add_argument("--no-make-check", action="store_true", help="skip timing `python -m checks check`")
    args = p.parse_args(argv)
    if args.repeats < 1 or (args.rows is not None and args.rows < 1):
        p.error("--repeats and --rows must be positive whole numbers")
    return args


def main(argv=None, out=print):
    args = arguments(argv)
    x, t = training_data(args.rows)
    classes = [Reference, Learner]
    notes = []
    if micrograd_available():
        classes.append(Micrograd)
    else:
        notes.append("micrograd is not installed (pip install micrograd): its row is skipped.")
    if torch_available():
        classes += [Torch, TorchBare]
    else:
        notes.append("torch is not installed: the PyTorch rows and the torch target are skipped.")
    optimizer = "reference.SGD" if hasattr(reference, "SGD") else "InlineSGD of checks/instruments/bench.py (no reference.SGD)"

    out(f"One epoch of the 5-{HIDDEN}-1 ReLU MLP: {len(x)} training rows of hourly bike data, "
        f"batch {BATCH}, MSE, gradient descent (lr {LR}).")
    out(f"Python {platform.python_version()}, {os.cpu_count()} cores; median of {args.repeats} repeats "
        f"after one warm-up. Reference optimizer: {optimizer}.")
    if any(c is Torch for c in classes):
        import torch
        out(f"torch {torch.__version__}, float64, {torch.get_num_threads()} thread.")
    for note in notes:
        out(f"Note: {note}")
    out("")
    per_sample = side_by_side(classes, x, t, args.repeats, out)

    if not args.no_growth:
        out("")
        out(f"How cost grows: seconds per epoch of {len(x)} rows (timed on the first "
            f"{min(GROWTH_ROWS, len(x))} and scaled), hidden size at batch {BATCH}, then batch size at hidden {HIDDEN}.")
        growth(classes, x, t, args.repeats, out)

    out("")
    check_s, report = gradient_check_time(x, args.repeats)
    entries = sum(len(b.entries) for b in report.blocks)
    out(f"Gradient check of the 5-{HIDDEN}-1 MLP ({GRADCHECK_ROWS} input rows, {entries} entries: "
        f"57 parameters and {entries - 57} inputs, {report.calls['forward']} forward calls): "
        f"{check_s:.4f} s, {'passed' if report.passed else 'FAILED'}.")
    if not args.no_make_check:
        seconds, code = make_check_time()
        out(f"`python -m checks check`, once: {seconds:.1f} s (exit code {code}).")

    out("")
    out("Targets:")
    ref = per_sample["reference"]
    if "micrograd" in per_sample:
        speedup = per_sample["micrograd"] / ref
        out(f"  reference vs micrograd per sample: {speedup:.0f}x faster "
            f"(target >= {TARGETS['micrograd']:.0f}x): {verdict(speedup >= TARGETS['micrograd'])}")
    if "torch" in per_sample:
        for name in ("torch", "torch, bare loop"):
            ratio = ref / per_sample[name]
            out(f"  reference vs {name} per sample: {ratio:.2f}x its time "
                f"(target <= {TARGETS['torch']}x): {verdict(ratio <= TARGETS['torch'])}")
    out(f"  full gradient check of the 5-{HIDDEN}-1 MLP: {check_s:.4f} s "
        f"(target < {TARGETS['gradcheck']} s): {verdict(check_s < TARGETS['gradcheck'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
