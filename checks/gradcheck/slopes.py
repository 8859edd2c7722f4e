"""Slopes of an elementwise layer, read off its own forward: where a wrong derivative was evaluated.

An elementwise layer computes y = f(x) entry by entry, so one forward call on
a shifted batch moves every entry at once. Through the protocol alone:

- slopes(forward, point): f' at every entry of point, by the same five-point
  differences (and kink detection) as the gradient check;
- inverse(forward, x): z with f(z) = x, by bisection on forward (f must be
  increasing); None where x lies outside the range of f;
- output_form(forward): a polynomial g of degree <= 3 with f'(z) = g(f(z)),
  fitted on a grid of z (g(y) = y (1 - y) for the sigmoid, 1 - y^2 for tanh),
  or None when no such polynomial fits; it reaches x outside the range of f
  (output_polynomial gives its coefficients);
- elementwise(forward, x, y): whether the layer acts entry by entry, tested by
  feeding the same numbers as one column and finding the same outputs.

diagnosis.py uses them for the wrong-input hypothesis: backward returned
dy * f'(y) (the derivative at the output), dy * f'(f^-1(x)) (a derivative
written in terms of y, such as 1 - y^2 for tanh, applied to x instead), or
dy * f'(dy); formulas.py writes the spec's slope g(y) beside a wrong one.
"""
from checks.gradcheck.finite_differences import STEPS, judge

BOUND = 4096.0  # bisection searches z in [-BOUND, BOUND]
BISECTIONS = 80
GRID = [-6.0 + 0.5 * k for k in range(25)]  # where output_form samples f and f'
DEGREE = 3
FIT = 1e-7  # largest residual of a fitted g, relative to the largest slope


def shifted(point, step):
    return [[v + step for v in row] for row in point]


def slopes(forward, point):
    """f' at every entry of point (N, D) -> {(i, j): Entry}, with the tolerance and kink of each."""
    outputs = {"0": forward(point)}
    for key, step in STEPS:
        outputs[key] = forward(shifted(point, step))
    return {(i, j): judge("slope", (i, j), 0.0, {k: out[i][j] for k, out in outputs.items()})
            for i, row in enumerate(point) for j in range(len(row))}


def inverse(forward, x):
    """z (N, D) with forward(z) = x entry by entry, by bisection; None where x is outside the range of forward."""
    lo = [[-BOUND] * len(row) for row in x]
    hi = [[BOUND] * len(row) for row in x]
    bottom, top = forward(lo), forward(hi)
    inside = [[b < v < t for v, b, t in zip(*rows)] for rows in zip(x, bottom, top)]
    for _ in range(BISECTIONS):
        mid = [[(a + b) / 2 for a, b in zip(r, s)] for r, s in zip(lo, hi)]
        if all(m in (a, b) for r, s, t in zip(mid, lo, hi) for m, a, b in zip(r, s, t)):
            break  # every interval is down to two neighbouring floats
        values = forward(mid)
        for i, row in enumerate(mid):
            for j, m in enumerate(row):
                if values[i][j] < x[i][j]:
                    lo[i][j] = m
                else:
                    hi[i][j] = m
    return [[(a + b) / 2 if ok else None for a, b, ok in zip(r, s, k)] for r, s, k in zip(lo, hi, inside)]


def output_form(forward):
    """g (a callable) with f'(z) = g(f(z)) on GRID for a polynomial g of degree <= DEGREE, or None."""
    coefficients = output_polynomial(forward)
    if coefficients is None:
        return None

    def g(v):
        return sum(c * v ** k for k, c in enumerate(coefficients))

    return g


def output_polynomial(forward):
    """The coefficients c_k of g(y) = sum c_k y^k with f'(z) = g(f(z)) on GRID, or None when none fits."""
    y = forward([GRID])[0]
    s = [e.numeric for _, e in sorted(slopes(forward, [GRID]).items())]
    coefficients = least_squares([[v ** k for k in range(DEGREE + 1)] for v in y], s)
    if coefficients is None:
        return None
    worst = max(abs(sum(c * v ** k for k, c in enumerate(coefficients)) - t) for v, t in zip(y, s))
    return coefficients if worst <= FIT * max(max(abs(t) for t in s), 1e-300) else None


def least_squares(rows, targets):
    """c minimising |rows c - targets|, by Gaussian elimination on the normal equations; None if singular."""
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] + [sum(r[i] * t for r, t in zip(rows, targets))]
         for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda i: abs(a[i][col]))
        if abs(a[pivot][col]) < 1e-12:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for i in range(n):
            if i != col:
                ratio = a[i][col] / a[col][col]
                a[i] = [u - ratio * v for u, v in zip(a[i], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def elementwise(forward, x, y):
    """Whether forward maps each entry on its own: the entries of x fed as one column give the entries of y."""
    column = [[v] for row in x for v in row]
    try:
        out = forward(column)
    except Exception:  # a layer that cannot take one column is not elementwise
        return False
    expected = [v for row in y for v in row]
    if not isinstance(out, list) or len(out) != len(expected):
        return False
    return all(isinstance(r, list) and len(r) == 1 and abs(r[0] - e) <= 1e-12 * max(1.0, abs(e))
               for r, e in zip(out, expected))
