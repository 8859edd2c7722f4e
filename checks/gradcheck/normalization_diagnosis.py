"""Diagnosis of a normalization layer's dx (BatchNorm, LayerNorm): the mistakes particular to them.

Two hypotheses, read by checks/gradcheck/diagnosis.py after its own, through the protocol alone:

- missing-gamma     a equals the numeric gradient of the same layer with params["gamma"] set to
                    ones: the factor gamma of dL/dxhat = dy * gamma is left out (it hides when
                    gamma = 1, so the checks build these layers with gamma != 1);
- statistics-paths  a - n, in every column (or in every row), is a + b x for two numbers a, b: the
                    terms through the mean and the variance are missing. Normalizing makes xhat an
                    affine function of x in each column (BatchNorm) or row (LayerNorm), and those
                    two terms are mean(dxhat) + xhat mean(dxhat xhat), constant and multiple of xhat.
"""
import math

from checks.gradcheck.evidence import all_fit, count, reread
from checks import nested
from checks.gradcheck.finite_differences import numeric_entries

AXES = {"column": "batch", "row": "row"}  # the slices a normalization works on, and whose statistics they are


def missing_gamma(block, subject):
    layer = getattr(subject, "layer", None)
    params = getattr(layer, "params", {})
    if block.name != "dx" or "gamma" not in params or all(g == 1.0 for g in params["gamma"]):
        return None
    gamma = params["gamma"]
    kept = list(gamma)
    try:
        gamma[:] = [1.0] * len(gamma)  # edited in place, as a checker may (specs/protocol.md, rule 2)
        without = numeric_entries("dx", subject.work, subject.f, subject.f())
    finally:
        gamma[:] = kept
    if not all_fit(without, [e.analytic for e in block.entries]):
        return None
    return "missing-gamma", (f"dx equals the gradient the layer would have with gamma = 1 in {count(block.entries)}: "
                             f"the factor gamma is missing from dL/dxhat = dy * gamma; {reread(subject)}")


def residual_of_affine_fit(d, v):
    """d minus its least-squares fit a + b v (both lists of one slice)."""
    n = len(v)
    mv, md = math.fsum(v) / n, math.fsum(d) / n
    spread = math.fsum((t - mv) ** 2 for t in v)
    b = math.fsum((t - mv) * (e - md) for t, e in zip(v, d)) / spread if spread else 0.0
    return [e - md - b * (t - mv) for t, e in zip(v, d)]


def statistics_paths(block, subject):
    x = getattr(subject, "x", None)
    shape = nested.shape(x)
    if block.name != "dx" or shape is None or len(shape) != 2 or nested.shape(block.given) != shape:
        return None
    entries, (n, m) = {e.index: e for e in block.entries}, shape
    for axis, statistics in AXES.items():
        groups = [([(i, j) for i in range(n)], [x[i][j] for i in range(n)]) for j in range(m)] if axis == "column" \
            else [([(i, j) for j in range(m)], x[i]) for i in range(n)]
        if len(groups[0][0]) < 3:  # a + b v fits any two points
            continue
        fitted = {}
        for where, v in groups:
            d = [entries[k].analytic - entries[k].numeric for k in where]
            fitted.update({k: entries[k].numeric + r for k, r in zip(where, residual_of_affine_fit(d, v))})
        if all_fit([entries[k] for k in fitted], list(fitted.values())):
            return "statistics-paths", (
                f"dx differs from the numeric gradient, in every {axis}, by a + b x: the terms through the "
                f"{statistics} mean and variance are missing (dx = dxhat / s treats them as constants); add "
                f"- mean(dxhat) - xhat * mean(dxhat * xhat) over each {axis}, in {count(block.entries)}; "
                f"{reread(subject)}")
    return None


HYPOTHESES = [missing_gamma, statistics_paths]
