"""make compare-torch: the course's network trained side by side in reference and in PyTorch, agreeing to 1e-9.

The 5-8-1 ReLU MLP (Dense(5, 8), ReLU, Dense(8, 1)) starts from the same
weights in both, sees the same shuffled batches of 64 rows of the hourly bike
data's training part, and takes the same gradient-descent steps (MSE, lr 0.1)
for five epochs; PyTorch computes in float64. At every step the gradients of
all 57 parameters are compared entry by entry, before either side steps. The
run prints each epoch's mean batch loss of both side by side, and the largest
gradient difference; it fails (exit 1) when a difference exceeds 1e-9, naming
the epoch, the step, the parameter and the entry where it first did.

Then the digits CNN the same way (checks/instruments/compare_cnn.py), and the
recurrent layers RNN, LSTM and GRU on windows of the bike data
(checks/instruments/compare_recurrent.py).

torch is an optional extra: without it the run says how to install it and
exits 0, since nothing is wrong with the project. The two sides are the
classes of checks/instruments/implementations.py and peers.py.
Run as `python -m checks.instruments.compare_torch` (--help).
"""
import random
import sys
from dataclasses import dataclass

from checks.instruments import compare_cnn, implementations, peers
from checks.cli import Parser
from reference.minibatches import minibatches

TOLERANCE = 1e-9
EPOCHS, SEED = 5, 0
NAMES = ("0.W", "0.b", "2.W", "2.b")  # the reference's names of [dW1, db1, dW2, db2]; 0.W is nn.Linear 0's weight^T
INSTALL = """PyTorch is not installed here, so there is nothing to compare with yet.
torch is optional: make check and make test never need it. To install its CPU build into this project's .venv:
    make compare-torch              (tries {cpu} first)
    .venv/bin/python -m pip install '{cpu}' --index-url https://download.pytorch.org/whl/cpu
Then run make compare-torch again: the same network in reference and in PyTorch, step by step."""


@dataclass
class Difference:
    """The largest difference between two sides' gradients, and where it is."""

    size: float = 0.0
    epoch: int = 0
    step: int = 0
    name: str = ""
    index: tuple = ()
    ours: float = 0.0
    theirs: float = 0.0

    def where(self):
        entry = "".join(f"[{i}]" for i in self.index)
        return f"epoch {self.epoch}, step {self.step}, {self.name}{entry}"


@dataclass
class Epoch:
    """One epoch side by side: the mean batch loss of each side and the largest gradient difference in it."""

    number: int
    ours: float
    theirs: float
    largest: Difference


def entries(gradient, index=()):
    """(index, value) of every entry of a matrix or a vector."""
    for i, value in enumerate(gradient):
        if isinstance(value, list):
            yield from entries(value, index + (i,))
        else:
            yield index + (i,), value


def largest_difference(ours, theirs, epoch, step, names=NAMES):
    """The entry of the gradients (named by names: [dW1, db1, dW2, db2] by default) where two sides differ most."""
    found = Difference(-1.0)
    for name, mine, other in zip(names, ours, theirs):
        for (index, a), (_, b) in zip(entries(mine), entries(other)):
            if abs(a - b) > found.size:
                found = Difference(abs(a - b), epoch, step, name, index, a, b)
    return found


def compare(ours, theirs, x, t, epochs=EPOCHS, batch=implementations.BATCH, seed=SEED, tolerance=TOLERANCE,
            names=NAMES):
    """Train two sides on the same batches, comparing gradients before each step; -> (epochs, largest, first
    difference above tolerance or None). A side has gradients(x, t) -> (L, grads) and descend(); names name the
    gradients."""
    rng, rows, largest, first = random.Random(seed), [], Difference(), None
    for epoch in range(1, epochs + 1):
        losses, in_epoch = ([], []), Difference()
        for step, indices in enumerate(minibatches(len(x), batch, rng), start=1):
            xb, tb = [x[i] for i in indices], [t[i] for i in indices]
            (loss_a, grads_a), (loss_b, grads_b) = ours.gradients(xb, tb), theirs.gradients(xb, tb)
            losses[0].append(loss_a)
            losses[1].append(loss_b)
            found = largest_difference(grads_a, grads_b, epoch, step, names)
            in_epoch = max(in_epoch, found, key=lambda d: d.size)
            if first is None and found.size > tolerance:
                first = found
            ours.descend()
            theirs.descend()
        rows.append(Epoch(epoch, sum(losses[0]) / len(losses[0]), sum(losses[1]) / len(losses[1]), in_epoch))
        largest = max(largest, in_epoch, key=lambda d: d.size)
    return rows, largest, first


def table(rows):
    lines = [f"{'epoch':>5}  {'reference loss':>16}  {'PyTorch loss':>16}  {'loss difference':>15}  "
             f"{'largest gradient difference':>27}"]
    for r in rows:
        lines.append(f"{r.number:>5}  {r.ours:>16.12f}  {r.theirs:>16.12f}  {abs(r.ours - r.theirs):>15.1e}  "
                     f"{r.largest.size:>27.1e}")
    return lines


def verdict(largest, first, steps, parameters, tolerance=TOLERANCE,
            layout="0.W and 2.W are the transposes of PyTorch's weights"):
    """The closing lines and the exit code: 0 when every gradient entry agreed within tolerance; layout says how the
    reference's parameters map onto PyTorch's."""
    limit = f"{tolerance:.0e}".replace("e-0", "e-")
    if first is None:
        return [f"Largest gradient difference over {steps} steps and {parameters} parameters: {largest.size:.1e} "
                f"({largest.where()}), under {limit}: reference and PyTorch agree."], 0
    return [f"reference and PyTorch diverged: at {first.where()} the gradients differ by {first.size:.3e} > "
            f"{limit} (reference {first.ours!r}, PyTorch {first.theirs!r}); {layout}. Look at that layer's "
            "backward and at the order of the steps."], 1


def arguments(argv):
    p = Parser(prog="python -m checks.instruments.compare_torch", description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs to train (default {EPOCHS})")
    p.add_argument("--rows", type=int, default=None, help="train on the first ROWS training rows only (a quick run)")
    p.add_argument("--lr", type=float, default=implementations.LR, help=f"learning rate (default {implementations.LR})")
    p.add_argument("--hidden", type=int, default=implementations.HIDDEN, help=f"hidden units (default {implementations.HIDDEN})")
    p.add_argument("--no-recurrent", action="store_true", help="skip the RNN, LSTM and GRU comparison")
    p.add_argument("--cnn-epochs", type=int, default=compare_cnn.EPOCHS,
                   help=f"epochs of the digits CNN (default {compare_cnn.EPOCHS}; 0 skips it)")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.hidden < 1 or (args.rows is not None and args.rows < 1) or not args.lr > 0:
        p.error("--epochs, --rows and --hidden must be positive whole numbers, and --lr a positive number")
    if args.cnn_epochs < 0:
        p.error("--cnn-epochs must be a whole number >= 0")
    return args


def main(argv=None, out=print):
    args = arguments(argv)
    if not peers.torch_available():
        out(INSTALL.format(cpu="torch==2.13.0+cpu"))
        return 0
    import torch
    x, t = implementations.training_data(args.rows)
    ours = implementations.Reference(implementations.initial_weights(args.hidden), args.lr)
    theirs = peers.Torch(implementations.initial_weights(args.hidden), args.lr)
    out(f"The 5-{args.hidden}-1 ReLU network in reference and in PyTorch {torch.__version__} (float64), from the same "
        f"initial weights: {args.epochs} epochs of {len(x)} training rows of hourly bike data, the same shuffled "
        f"batches of {implementations.BATCH} (seed {SEED}), MSE, gradient descent with lr {args.lr:g}. The gradients of every "
        "parameter are compared at every step.")
    out("")
    rows, largest, first = compare(ours, theirs, x, t, args.epochs)
    for line in table(rows):
        out(line)
    out("")
    steps = args.epochs * -(-len(x) // implementations.BATCH)
    lines, code = verdict(largest, first, steps, 7 * args.hidden + 1)
    for line in lines:
        out(line)
    if args.cnn_epochs:
        out("")
        code = max(code, compare_cnn.run(args.cnn_epochs, args.rows, out))
    return max(code, recurrent(args, out))


def recurrent(args, out):
    """The recurrent layers side by side (checks/instruments/compare_recurrent.py) -> exit code."""
    from checks.instruments import compare_recurrent  # it builds on this module's Difference: imported once both exist
    if args.no_recurrent:
        return 0
    x, t = compare_recurrent.windows(args.rows)
    out("")
    out(compare_recurrent.describe(x))
    lines, code = compare_recurrent.report(x, t)
    for line in lines:
        out(line)
    return code


if __name__ == "__main__":
    sys.exit(main())
