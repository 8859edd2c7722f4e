"""make bench, the digits CNN: one epoch of the default digits network in the reference, in plain Python, in PyTorch
and in the reference under PyPy; and a full gradient check of the CNN at teaching size.

The implementations are in checks/instruments/cnn.py. An epoch is the 1,797 digits in batches of 32, in file order.
Times are the process's CPU seconds (time.process_time), which a busy shared machine inflates far less than the
wall clock. CPython's rows are timed in turns (one warm-up each, then the median of the repeats); PyPy runs cnn.py
as a script in its own process (its first epoch warms the JIT and is left out). The targets: the reference's epoch within
1.5x of the plain version's, and the gradient check under 1 s.
"""
import json
import random
import shutil
import statistics
import subprocess
import time

from checks.gradcheck import check_layer
from checks.instruments import cnn
from reference.trainer.architecture import build_layers

TARGETS = {"plain": 1.5, "gradcheck": 1.0}  # x the plain version's time, seconds
TEACHING = [{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": 1}, {"type": "relu"},
            {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"}, {"type": "dense"}]
CNN_SCRIPT = cnn.__file__


class PlainNoInputGradient(cnn.Plain):
    name = "plain, no dL/dx"

    def __init__(self, weights, lr=cnn.LR):
        super().__init__(weights, lr, input_gradient=False)


def epoch_runs(classes, x, t):
    """name -> a function that trains one epoch of the digits, for each implementation class."""
    runs = {}
    for cls in classes:
        impl = cls(cnn.initial_weights())
        xs, ts = impl.prepare(x, t)
        runs[cls.name] = lambda impl=impl, xs=xs, ts=ts: cnn.epoch(impl, xs, ts)
    return runs


def pypy_epochs(epochs, root, rows=None):
    """-> (version, median seconds of the epochs after the first) of the reference under pypy3, or None without
    pypy3 (or if its run fails: then the reason)."""
    pypy = shutil.which("pypy3")
    if pypy is None:
        return None, "pypy3 is not on this machine (apt-get install pypy3): its row is skipped."
    done = subprocess.run([pypy, CNN_SCRIPT, str(epochs + 1), str(rows or 0)], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        return None, f"the PyPy run failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["python"], statistics.median(result["seconds"][1:])


def teaching_gradient_check(repeats):
    """-> (median seconds, report) of check_layer on the teaching-size CNN: 2 filters 3x3, a batch of 2 images 4x4."""
    rng = random.Random(0)
    x = [[[[rng.random() for _ in range(4)] for _ in range(4)]] for _ in range(2)]
    times, report = [], None
    for _ in range(repeats + 1):
        model = build_layers(TEACHING, (1, 4, 4), cnn.CLASSES, seed=0)[0]
        start = time.process_time()
        report = check_layer(model, x, "digits CNN")
        times.append(time.process_time() - start)
    return statistics.median(times[1:]), report


def verdict(met):
    return "met" if met else "NOT met"


def run(timed, repeats, root, torch, out, rows=None):
    """Print the CNN table (on the first rows images; None: all) -> the lines of its targets; timed(runs, repeats,
    clock) -> name -> median seconds (timing.timed)."""
    x, t = cnn.digits_data(rows)
    classes = [cnn.Reference, cnn.Plain, PlainNoInputGradient] + ([cnn.Torch] if torch else [])
    out(f"One epoch of the digits CNN (Conv2D(1, 8, 3, padding 1), ReLU, MaxPool2D(2), Flatten, Dense(128, 10); "
        f"softmax cross-entropy, gradient descent lr {cnn.LR}): {len(x)} images, batch {cnn.BATCH}.")
    seconds = timed(epoch_runs(classes, x, t), repeats, time.process_time)
    version, pypy = pypy_epochs(repeats, root, rows)
    if version is not None:
        seconds[f"reference, PyPy {version}"] = pypy
    ref = seconds["reference"]
    out(f"{'implementation':<22} {'epoch (CPU s)':>13} {'us/image':>10} {'time / reference':>17}")
    for name, s in seconds.items():
        out(f"{name:<22} {s:>13.3f} {s / len(x) * 1e6:>10.1f} {s / ref:>16.2f}x")
    if version is None:
        out(f"Note: {pypy}")
    check_s, report = teaching_gradient_check(repeats)
    entries = sum(len(b.entries) for b in report.blocks)
    out(f"Gradient check of the digits CNN at teaching size (2 filters 3x3, a batch of 2 images 4x4, {entries} "
        f"entries, {report.calls['forward']} forward calls): {check_s:.3f} CPU s, "
        f"{'passed' if report.passed else 'FAILED'}.")
    ratio = ref / seconds["plain Python"]
    return [f"  reference CNN epoch vs plain Python: {ratio:.2f}x its time (target <= {TARGETS['plain']}x): "
            f"{verdict(ratio <= TARGETS['plain'])}",
            f"  full gradient check of the teaching-size CNN: {check_s:.3f} s (target < {TARGETS['gradcheck']} s): "
            f"{verdict(check_s < TARGETS['gradcheck'])}"]
