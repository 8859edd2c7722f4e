"""make bench: the reference against its peers, one training epoch side by side.

What is timed, the 5-8-1 ReLU MLP's training step in the reference, as a
learner writes it, in micrograd and in PyTorch, is in
checks/instruments/implementations.py and checks/instruments/peers.py; this
module times them and prints the tables:

- side by side: one epoch at H = 8, batch 64; micrograd runs in its fastest
  mode, one example per step, on the first MICROGRAD_ROWS rows only (it is
  slow), and is scaled per sample; PyTorch
  (CPU autograd, float64, one thread) runs with torch.optim.SGD (the usual
  loop) and with a bare loop (no optimizer object);
- growth: the first GROWTH_ROWS rows of each case, scaled to a full epoch
  (the cost of an epoch is its number of batches times the cost of one);
- the digits CNN (checks/instruments/bench_cnn.py): the reference, plain
  Python, PyTorch and PyPy, and a gradient check at teaching size;
- the time of a full gradient check and of `python -m checks check`, and
  the targets they meet;
- the sequence row: one epoch of an LSTM (H = 16, T = 24, batch 32) on the
  bike windows in the reference, in plain Python and in PyTorch, and the
  gradient check of an LSTM at teaching size (checks/instruments/sequence_bench.py).

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

import reference
from checks.cli import Parser
from checks.gradcheck import check_layer
from checks.instruments import bench_cnn, sequence_bench
from checks.instruments.implementations import BATCH, HIDDEN, LR, Learner, Reference, initial_weights, training_data
from checks.instruments.peers import Micrograd, Torch, TorchBare, micrograd_available, torch_available
from checks.instruments.timing import timed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPEATS = 5
MICROGRAD_ROWS = 384
MICROGRAD_BATCH = 1  # micrograd's fastest mode: a graph of one example per step
GROWTH_ROWS = 3072  # a multiple of every batch size in GROWTH_BATCH
GROWTH_HIDDEN = (8, 32, 128)
GROWTH_BATCH = (1, 16, 64, 256)
GRADCHECK_ROWS = 4
# x faster than micrograd in its fastest mode (one example per step: about 35x measured), x torch's time, seconds
TARGETS = {"micrograd": 25.0, "torch": 1.5, "gradcheck": 0.1}


def epoch(impl, x, t, batch):
    """One pass over x, t (already in impl's own form) in batches, in order."""
    for start in range(0, len(x), batch):
        impl.step(x[start:start + batch], t[start:start + batch])


def epoch_runs(classes, x, t, hidden, batch, rows=None, batches=None):
    """name -> (a function that trains one epoch, rows it covers), for each implementation class; rows and batches
    name the classes that take fewer rows or another batch size."""
    runs = {}
    for cls in classes:
        impl = cls(initial_weights(hidden))
        n = rows.get(cls.name, len(x)) if rows else len(x)
        size = batches.get(cls.name, batch) if batches else batch
        xs, ts = impl.prepare(x[:n], t[:n])
        runs[cls.name] = ((lambda impl=impl, xs=xs, ts=ts, size=size: epoch(impl, xs, ts, size)), n)
    return runs


def side_by_side(classes, x, t, repeats, out):
    """The main table: per-sample microseconds and ratios to the reference -> name -> us per sample."""
    runs = epoch_runs(classes, x, t, HIDDEN, BATCH, {"micrograd": min(MICROGRAD_ROWS, len(x))},
                      {"micrograd": MICROGRAD_BATCH})
    medians = timed({name: run for name, (run, _) in runs.items()}, repeats)
    per_sample = {name: medians[name] / runs[name][1] * 1e6 for name in runs}
    ref = per_sample["reference"]
    out(f"{'implementation':<18} {'rows timed':>10} {'us/sample':>10} {'epoch (s)':>10} {'time / reference':>17}")
    for name, us in per_sample.items():
        epoch_s = us * len(x) / 1e6
        out(f"{name:<18} {runs[name][1]:>10} {us:>10.2f} {epoch_s:>10.3f} {us / ref:>16.2f}x")
    if "micrograd" in per_sample:
        out(f"(micrograd in its fastest mode: one example per step, a graph of one example; the others: batch {BATCH})")
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
    p.add_argument("--rows", type=int, default=None, help="train on the first ROWS rows (and images) only (a quick run)")
    p.add_argument("--no-growth", action="store_true", help="skip the table of hidden and batch sizes")
    p.add_argument("--no-make-check", action="store_true", help="skip timing `python -m checks check`")
    p.add_argument("--no-sequences", action="store_true", help="skip the LSTM on the bike windows")
    p.add_argument("--no-cnn", action="store_true", help="skip the digits CNN")
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
    optimizer = ("reference.SGD" if hasattr(reference, "SGD")
                 else "InlineSGD of checks/instruments/implementations.py (no reference.SGD)")

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
    targets = []
    if not args.no_cnn:
        out("")
        targets = bench_cnn.run(timed, args.repeats, ROOT, any(c is Torch for c in classes), out, args.rows)
    if not args.no_sequences:
        out("")
        sequence_classes = [sequence_bench.Reference, sequence_bench.Plain]
        sequences = sequence_bench.table(sequence_classes + ([sequence_bench.Torch] if torch_available() else []),
                                         args.repeats, out, args.rows or sequence_bench.ROWS)[0]
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
    if not args.no_sequences and "torch" in sequences:
        out(f"  LSTM epoch, reference vs torch: {sequences['reference'] / sequences['torch']:.1f}x its time")
    for line in targets:
        out(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
