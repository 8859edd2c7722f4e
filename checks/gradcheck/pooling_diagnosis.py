"""Diagnosis of pooling and spatial normalization layers (MaxPool2D, AvgPool2D, BatchNorm2D): their own mistakes.

Two hypotheses, read by checks/gradcheck/diagnosis.py after its own, through the protocol alone:

- overwritten-overlap  at every failing entry of dx, two or more outputs depend on that input entry (their
                       windows overlap there), and a equals the share of one of those outputs alone,
                       dy_k dy_k/dx_i, where the spec adds them all up: dx[...] = ... instead of += .... The
                       shares come from the whole outputs the check's sweep of dx already computed (one
                       column of the Jacobian per input entry), at no extra forward call;
- statistics-paths     (rank 4) a - n, in every channel, is a + b x over its N H W entries: the terms
                       through the channel's mean and variance are missing, as for BatchNorm's columns
                       (normalization_diagnosis.py).
"""
from dataclasses import replace

from checks import nested
from checks.gradcheck.evidence import all_fit, count, fits, reread
from checks.gradcheck.finite_differences import H
from checks.gradcheck.normalization_diagnosis import residual_of_affine_fit

FLOOR = 1e-9  # a Jacobian entry below this, relative to the largest, counts as 0: the output does not depend on it


def shares(outputs, dy):
    """The terms dy_k dy_k/dx_i of one input entry's numeric gradient, from its five whole outputs (nonzero ones)."""
    plus, minus = nested.flatten(outputs["+h/2"]), nested.flatten(outputs["-h/2"])
    slopes = [(p - m) / H for p, m in zip(plus, minus)]
    largest = max((abs(s) for s in slopes), default=0.0)
    return [s * g for s, g in zip(slopes, nested.flatten(dy)) if abs(s) > FLOOR * max(largest, 1.0)]


def overwritten_overlap(block, subject):
    if block.name != "dx" or not block.failures or not hasattr(subject, "sweep"):
        return None
    terms = {index: shares(outputs, subject.dy) for index, outputs in subject.sweep("dx")}
    for entry in block.failures:
        found = terms.get(entry.index, [])
        if len(found) < 2 or not any(fits(replace(entry, numeric=t, kink=False), entry.analytic) for t in found):
            return None
    overlapping = sum(len(t) >= 2 for t in terms.values())
    return "overwritten-overlap", (
        f"dx equals, in the {len(block.failures)} entries that fail, the share of one output alone, and is right in "
        f"the other {len(block.entries) - len(block.failures)}: {overlapping} entries of x feed several outputs (their "
        f"windows overlap), and their shares must add up (dx[...] += ...), not replace each other (dx[...] = ...); "
        f"{reread(subject)}")


def channel_statistics_paths(block, subject):
    x = getattr(subject, "x", None)
    shape = nested.shape(x)
    if block.name != "dx" or shape is None or len(shape) != 4 or nested.shape(block.given) != shape:
        return None
    entries = {e.index: e for e in block.entries}
    fitted = {}
    for c in range(shape[1]):
        where = [index for index in entries if index[1] == c]
        if len(where) < 3:  # a + b v fits any two points
            return None
        d = [entries[k].analytic - entries[k].numeric for k in where]
        v = [nested.read(x, k) for k in where]
        fitted.update({k: entries[k].numeric + r for k, r in zip(where, residual_of_affine_fit(d, v))})
    if not all_fit([entries[k] for k in fitted], list(fitted.values())):
        return None
    return "statistics-paths", (
        f"dx differs from the numeric gradient, in every channel, by a + b x: the terms through the channel's mean "
        f"and variance over (N, H, W) are missing (dx = dxhat / s treats them as constants); add - mean(dxhat) - "
        f"xhat * mean(dxhat * xhat) over each channel's N H W entries, in {count(block.entries)}; {reread(subject)}")


HYPOTHESES = [overwritten_overlap, channel_statistics_paths]
