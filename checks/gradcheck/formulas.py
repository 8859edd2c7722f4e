"""What a wrong dx of an elementwise layer computes instead, and the closest description of any other miss.

wrong_formula: dx of an elementwise layer is fitted, entry by entry, as
a sum of the terms dy v^k (k <= 4) and v^k (k <= 2), for v the output y and
then the input x. When the fit has simple fractions as coefficients, few
terms, and holds in every entry, the evidence writes it out beside the
spec's slope (g(y) of slopes.output_polynomial, when the slope is a
polynomial in y) with the relation between them: terms without dy (a
missing pair of parentheses), a constant offset of the slope, or another
polynomial (a power too few).

closest: for a block that fits no hypothesis, the first description that
holds in every entry: a constant offset; right where x > 0 (or x < 0) and
wrong elsewhere; wrong only in one row or one column; else, for an
elementwise layer, the slope dx/dy beside the true one at a few x (the slope
curve in numbers), or the range of analytic / numeric.
"""
from fractions import Fraction

from checks.gradcheck.evidence import fits
from checks.gradcheck.slopes import least_squares, output_polynomial

DY_POWERS, FREE_POWERS = 5, 3  # dy v^0 .. dy v^4, and v^0 .. v^2
SPARE = 3  # entries beyond the number of terms that a fit must also hold in
SHOWN = 4  # slope pairs shown for an unknown elementwise dx
AGREE = 1e-9  # how closely a fitted formula must reproduce the analytic values, relative to 1 + |value|


def simple(c):
    """c as a fraction with numerator and denominator at most 12 (0 for tiny c), or None."""
    f = Fraction(c).limit_denominator(12)
    if abs(f.numerator) > 12 or abs(float(f) - c) > 1e-6 * max(1.0, abs(c)):
        return None
    return f


def terms(dy, v):
    return [dy * v ** k for k in range(DY_POWERS)] + [v ** k for k in range(FREE_POWERS)]


def fit(block, subject, v_of):
    """Simple coefficients of dx = sum over terms, reproducing the analytic dx in every entry, or None."""
    rows = [terms(subject.dy[i][j], v_of[i][j]) for i, j in (e.index for e in block.entries)]
    coefficients = least_squares(rows, [e.analytic for e in block.entries])
    rounded = [simple(c) for c in coefficients or []]
    if not rounded or None in rounded or sum(1 for c in rounded if c) + SPARE > len(block.entries):
        return None
    values = [sum(float(c) * t for c, t in zip(rounded, row)) for row in rows]
    same = all(abs(v - e.analytic) <= AGREE * (1.0 + abs(e.analytic)) for e, v in zip(block.entries, values))
    return rounded if same else None


def polynomial(coefficients, var):
    """'1 - y^2' for [1, 0, -1]; '' for no nonzero coefficient."""
    text = ""
    for k, c in enumerate(coefficients):
        if not c:
            continue
        mono = "" if k == 0 else var if k == 1 else f"{var}^{k}"
        magnitude = str(abs(c)) if abs(c) != 1 or not mono else ""
        term = " ".join(p for p in (magnitude, mono) if p)
        text += (" - " if c < 0 else " + ") + term if text else ("-" if c < 0 else "") + term
    return text


def formula(coefficients, var):
    """dx written out: 'dy (1 - y)', '2 dy y', 'dy - y^2'."""
    with_dy, alone = polynomial(coefficients[:DY_POWERS], var), polynomial(coefficients[DY_POWERS:], var)
    single = with_dy and " + " not in with_dy and " - " not in with_dy
    text = times_dy(with_dy) if single else f"dy ({with_dy})" if with_dy else ""
    if not alone:
        return text
    if not text:
        return alone
    return text + (f" - {alone[1:]}" if alone.startswith("-") else f" + {alone}")


def times_dy(term):
    """One term times dy, the number first: '2 y' -> '2 dy y', '-1' -> '-dy'."""
    sign, parts = ("-" if term.startswith("-") else ""), term.lstrip("-").split(" ")
    number = parts.pop(0) if parts[0][0].isdigit() else ""
    return sign + " ".join(p for p in (number if number != "1" else "", "dy", *parts) if p)


def spec_slope(subject):
    """The spec's slope as simple coefficients of a polynomial in y, or None."""
    try:
        found = output_polynomial(subject.forward)
    except Exception:  # a wrong layer may refuse the grid
        return None
    rounded = [simple(c) for c in found or []]
    return None if not rounded or None in rounded else rounded


def relation(coefficients, var, truth):
    """What the learner should change, judged from the fitted terms and the spec's slope."""
    if any(coefficients[DY_POWERS:]):
        return ("some terms are not multiplied by dy: a pair of parentheses is missing (dy * 1 - y**2 computes "
                "dy - y^2), or a term is added after the product with dy")
    slope = coefficients[:DY_POWERS]
    if truth is None or var != "y":
        return f"the slope dx/dy = {polynomial(slope, var) or 0} is not the layer's derivative"
    padded = truth + [Fraction(0)] * (DY_POWERS - len(truth))
    offset = [a - t for a, t in zip(slope, padded)]
    if not any(offset[1:]):
        return f"the slope is off by the constant {offset[0]}: a term of the derivative is wrong"
    return (f"the slope dx/dy is {polynomial(slope, var) or 0} where the spec has {polynomial(padded, var)}: "
            f"compare the terms and powers one by one")


def wrong_formula(block, subject):
    """The evidence of wrong-formula (without the reread part), or None."""
    if block.name != "dx" or not block.failures or not getattr(subject, "elementwise", lambda: False)():
        return None
    for var, values in (("y", subject.y), ("x", subject.x)):
        coefficients = fit(block, subject, values)
        if coefficients:
            truth = spec_slope(subject)
            spec = f", where the spec's derivative gives dx = dy ({polynomial(truth, 'y')})" if truth else ""
            return (f"dx = {formula(coefficients, var)} in all {len(block.entries)} entries{spec}: "
                    f"{relation(coefficients, var, truth)}")
    return None


def closest(block, subject):
    """The closest description of a block that fits no hypothesis, in words that hold in every entry."""
    for describe in (offset, region, one_line, slope_curve):
        try:
            found = describe(block, subject)
        except Exception:  # a description that cannot be computed does not hold
            found = None
        if found:
            return "closest description: " + found
    ratios = [e.analytic / e.numeric for e in block.failures if e.numeric]
    return ("closest description: analytic / numeric ranges from "
            f"{min(ratios):.3g} to {max(ratios):.3g} over the failing entries" if ratios else
            "closest description: the numeric gradient is 0 where the analytic one is not")


def offset(block, subject):
    d = sum(e.analytic - e.numeric for e in block.entries) / len(block.entries)
    if len(block.entries) < 2 or not all(fits(e, e.analytic - d) for e in block.entries):
        return None
    return (f"{block.name} differs from the numeric gradient by the same amount, {d:.4g}, in every entry: a constant "
            f"is added to it")


def region(block, subject):
    x = getattr(subject, "x", None)
    if block.name != "dx" or x is None or not block.failures or len(block.failures) == len(block.entries):
        return None
    for text, inside in (("x > 0", lambda v: v > 0), ("x < 0", lambda v: v < 0),
                         ("x >= 0", lambda v: v >= 0), ("x <= 0", lambda v: v <= 0)):
        if all(e.passed == inside(x[e.index[0]][e.index[1]]) for e in block.entries):
            return f"dx is right where {text} and wrong elsewhere: the other case of the derivative is wrong"
    return None


def one_line(block, subject):
    failing = block.failures
    if len(block.entries[0].index) != 2 or len(failing) == len(block.entries):
        return None
    for axis, word in ((0, "row"), (1, "column")):
        lines = {e.index[axis] for e in failing}
        if len(lines) == 1:
            return f"{block.name} is wrong only in {word} {lines.pop()}, and right in every other {word}"
    return None


def slope_curve(block, subject):
    """For dx of an elementwise layer: the analytic and true slopes dx/dy at a few x, sorted by x."""
    if block.name != "dx" or not getattr(subject, "elementwise", lambda: False)():
        return None
    shown = sorted(block.failures, key=lambda e: subject.x[e.index[0]][e.index[1]])
    step = max(1, len(shown) // SHOWN)
    pairs = []
    for e in shown[::step][:SHOWN]:
        i, j = e.index
        dy = subject.dy[i][j]
        pairs.append(f"x = {subject.x[i][j]:.3g}: {e.analytic / dy:.4g} (true {e.numeric / dy:.4g})")
    return "the slope dx/dy it uses, against the true one, at " + "; ".join(pairs)
