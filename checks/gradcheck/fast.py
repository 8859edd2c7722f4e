"""Fast mode: directional derivatives along a few signed random directions instead of every entry.

For a direction u over every checked entry at once (the input and all
parameters), the numeric directional derivative of f (central differences
along u, judged like one entry: data tolerance and kinks) must equal the
analytic inner product <gradient, u>. Each direction costs 4 forward calls,
whatever the number of entries.

The directions are Gaussian, so every one mixes signs: with non-negative
directions a wrong gradient can hide (a positive combination of errors that
cancel, or all-ones weights that a shift-invariant layer ignores). Entries of
u are rounded to multiples of 1/16 so the steps h u stay exact.
"""
import math

from checks import nested
from checks.gradcheck.finite_differences import five_point, judge

DIRECTIONS = 4
GRID = 16.0


def direction(rng, blocks):
    """One signed Gaussian direction: per block, a list of (index, weight); never all zero."""
    u = [[(index, round(rng.gauss(0.0, 1.0) * GRID) / GRID) for index in nested.indices(target)] for _, target, _ in blocks]
    if not any(w for block in u for _, w in block):
        u[0][0] = (u[0][0][0], 1.0)
    return u


def project(blocks, f, f0, rng, count=DIRECTIONS):
    """Entries "direction[k]", one per direction; None when an analytic block cannot be projected."""
    for _, target, analytic in blocks:
        if nested.shape(analytic) != nested.shape(target) or not all(
                isinstance(v, (int, float)) and math.isfinite(v) for v in nested.flatten(analytic)):
            return None
    entries = []
    for k in range(count):
        u = direction(rng, blocks)
        analytic = math.fsum(nested.read(a, i) * w for (_, _, a), part in zip(blocks, u) for i, w in part)
        origin = [[nested.read(target, i) for i, _ in part] for (_, target, _), part in zip(blocks, u)]

        def put(t, u=u, origin=origin):
            for (_, target, _), part, start in zip(blocks, u, origin):
                for (index, w), theta in zip(part, start):
                    nested.write(target, index, theta + t * w)

        entries.append(judge("direction", (k,), analytic, five_point(f, put, 0.0, f0)))
        restore(blocks, u, origin)  # exactly the original values, whatever theta + 0 * w gave
    return entries


def restore(blocks, u, origin):
    for (_, target, _), part, start in zip(blocks, u, origin):
        for (index, _), theta in zip(part, start):
            nested.write(target, index, theta)

