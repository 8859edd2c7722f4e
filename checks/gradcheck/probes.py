"""Protocol probes: cheap calls that catch what a gradient comparison cannot (specs/protocol.md).

Each probe runs forward or backward a few more times and records a Finding
(a diagnosis code and one sentence for a learner) when a rule breaks:

- mutates-input: a call changed a list it was given (rule 3). Every argument
  is handed over as a copy, and the copy is compared with the original after
  each call;
- accumulates / nondeterministic: backward called again with the same dy gave
  other numbers (rules 1 and 4). Equal increments on a third call mean the
  grads are added up; anything else is nondeterminism. A second forward on
  the same batch must also repeat itself;
- unstable: outputs and gradients at large valid inputs (magnitude 1e4; for a
  loss on probabilities, p exactly 0 and exactly 1) must be finite (rule 5).
"""
import math
from dataclasses import dataclass
from typing import Optional

from checks import nested

BIG = 1e4
SAME = 1e-9  # relative agreement of two increments that marks accumulation


@dataclass
class Finding:
    """A broken protocol rule: its diagnosis code, one sentence for a learner, and the blocks it explains.

    explains: the names of the gradient blocks whose failure the finding accounts for (those a repeated call
    changed), or None for every block (a forward that does not repeat itself).
    """

    code: str
    sentence: str
    explains: Optional[tuple] = ()


def block_of(name):
    """The gradient block of a returned value: grads['W'] -> dW, dx -> dx."""
    return "d" + name[len("grads['"):-2] if name.startswith("grads['") else name


def protocol(rule):
    return f"reread specs/protocol.md, \"Layers\", rule {rule}"


def first_difference(a, b, index=()):
    """(index, a value, b value) where two nested lists first differ (exactly), or None."""
    if a == b:  # the common case, answered at C speed; NaN entries are never equal and go the long way
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (u, v) in enumerate(zip(a, b)):
            found = first_difference(u, v, index + (i,))
            if found:
                return found
        return None
    if isinstance(a, list) or isinstance(b, list):
        return (index, a, b) if a != b else None
    same = a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    return None if same else (index, a, b)


def first_nonfinite(value, index=()):
    """(index, value) of the first entry that is not a finite number, or None."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = first_nonfinite(v, index + (i,))
            if found:
                return found
        return None
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return None if ok else (index, value)


def at(name, index):
    return name + nested.where(index)


def short(value):
    return f"{value:.6g}" if isinstance(value, float) else repr(value)[:40]


class Guard:
    """Hands out copies of arguments and notices when a call edits one of them (rule 3)."""

    def __init__(self, findings):
        self.findings, self.handed = findings, []

    def give(self, name, value):
        copy = nested.copy(value)
        self.handed.append((name, value, copy))
        return copy

    def inspect(self, call):
        """After call (e.g. "forward"), record the first argument handed out so far that has changed."""
        if any(f.code == "mutates-input" for f in self.findings):
            return
        for name, original, copy in self.handed:
            found = first_difference(copy, original)
            if found:
                index, before, after = found[0], found[2], found[1]
                self.findings.append(Finding("mutates-input", (
                    f"{call} changed a list it was given: {at(name, index)} was passed as {short(before)} and is "
                    f"{short(after)} afterwards; build new lists instead of editing arguments; {protocol(3)}")))
                return


def accumulating(first, second, third):
    """Whether second - first and third - second are the same nonzero increments, entry by entry."""
    a, b, c = nested.flatten(first), nested.flatten(second), nested.flatten(third)
    if not (len(a) == len(b) == len(c)) or not all(isinstance(v, (int, float)) for v in a + b + c):
        return False
    steps = [(v - u, w - v) for u, v, w in zip(a, b, c)]
    scale = max((abs(s) for pair in steps for s in pair), default=0.0)
    return scale > 0 and all(abs(s - t) <= SAME * scale for s, t in steps)


def repeat(outputs, again, findings, call):
    """outputs: dict name -> value from a first call; again() -> the same dict from a repeat call."""
    second = again()
    changed = [(name, first_difference(second[name], value)) for name, value in outputs.items()]
    changed = [(name, found) for name, found in changed if found]
    if not changed:
        return
    third = again()
    name, (index, value2, value1) = changed[0]
    explains = tuple(block_of(n) for n, _ in changed)
    if all(accumulating(outputs[n], second[n], third[n]) for n, _ in changed):
        findings.append(Finding("accumulates", (
            f"{call} called again with the same arguments changed {at(name, index)} from {short(value1)} to "
            f"{short(value2)}, and a third call added the same amount again: gradients are added to what was "
            f"there instead of overwriting it; {protocol(1)}"), explains))
    else:
        findings.append(Finding("nondeterministic", (
            f"{call} called twice with the same arguments gave {at(name, index)} = {short(value1)}, then "
            f"{short(value2)}: the result depends on randomness or hidden state; {protocol(4)}"), explains))


def repeat_forward(first, again, findings, name="y", call="forward"):
    """A second forward on the same inputs must give the same output (rule 4)."""
    found = first_difference(again(), first)
    if found:
        index, second, value = found
        findings.append(Finding("nondeterministic", (
            f"{call} called twice on the same input gave {at(name, index)} = {short(value)}, then "
            f"{short(second)}: the result depends on randomness or hidden state; {protocol(4)}"), None))


def layer_extremes(x):
    """x scaled so its largest entry has magnitude BIG, and its negation: valid inputs at the edge."""
    top = max((abs(v) for v in nested.flatten(x)), default=0.0)
    if top == 0.0:
        big = nested.unflatten([BIG * (-1) ** sum(index) for index in nested.indices(x)], nested.shape(x))
    else:
        big = nested.apply(lambda v: v * (BIG / top), x)
    return [("inputs of magnitude 1e4", big), ("inputs of magnitude 1e4", nested.apply(lambda v: -v, big))]


def loss_extremes(y_pred):
    """Probabilities exactly 0 and exactly 1 when y_pred looks like probabilities, else +-1e4 scaled y_pred."""
    if all(0.0 <= v <= 1.0 for row in y_pred for v in row):
        return [(f"y_pred exactly {p:g}", [[p] * len(row) for row in y_pred]) for p in (0.0, 1.0)]
    return [(label.replace("inputs", "predictions"), big) for label, big in layer_extremes(y_pred)]


def stable(run, label, spec, findings):
    """run() -> dict name -> value at an extreme input; record unstable unless all are finite and nothing raised."""
    if any(f.code == "unstable" for f in findings):
        return
    try:
        outputs = run()
    except Exception as e:  # OverflowError, ValueError (math domain), ZeroDivisionError, ...
        findings.append(Finding("unstable", (
            f"at {label}, {type(e).__name__} was raised ({e}): compute in a form that cannot overflow or take "
            f"the log of 0; reread {spec}, \"Conventions\"")))
        return
    for name, value in outputs.items():
        found = first_nonfinite(value)
        if found:
            findings.append(Finding("unstable", (
                f"at {label}, {at(name, found[0])} is {found[1]!r}, not a finite number: compute in a form that "
                f"cannot overflow or take the log of 0; reread {spec}, \"Conventions\"")))
            return
