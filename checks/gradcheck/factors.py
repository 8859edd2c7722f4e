"""The scale hypothesis: a block c times the numeric one, c named in the spec's symbols when two shapes agree.

scale(block, subject) fits c at every entry, or at the failing entries
only (one case of a derivative, e.g. one side of a kink: partial_scale);
name() then says what c means. Such a gradient usually lacks (or repeats)
a factor of the spec: 2, 1/N, 1/(N M), 2/(N M), ... At one shape several names
can have the same value (at N = 4, M = 2, N and N M / 2 are both 4), so
name() tests the candidates k N^a M^b (k in 1, 2, 1/2; a, b in -1, 0, 1) at
the check's shape and again at a second one, with one more row and, where
the width is free, one more column, and keeps only a name that fits both.
M counts only where the width can change (a loss, an elementwise layer);
otherwise a factor in M is a constant. Without a batch (check_function),
only the constants are candidates. A name that two shapes contradict, or
that the shapes cannot single out, is never given: the factor is then shown
as a number.
"""
from dataclasses import dataclass
from fractions import Fraction

from checks.gradcheck.evidence import RELATIVE, count, fits, reread
from checks.gradcheck.finite_differences import compare


@dataclass(frozen=True)
class Factor:
    """k N^a M^b."""

    k: Fraction
    a: int
    b: int

    def value(self, n, m):
        return float(self.k) * (n or 1) ** self.a * (m or 1) ** self.b

    def inverse(self):
        return Factor(1 / self.k, -self.a, -self.b)

    def symbol(self):
        """The factor as written in a spec: 2, 1/N, N M/2, 2/(N M)."""
        top = ([str(self.k.numerator)] if self.k.numerator != 1 else []) + \
            [s for s, p in (("N", self.a), ("M", self.b)) if p == 1]
        bottom = ([str(self.k.denominator)] if self.k.denominator != 1 else []) + \
            [s for s, p in (("N", self.a), ("M", self.b)) if p == -1]
        text = " ".join(top) or "1"
        if bottom:
            text += "/" + (bottom[0] if len(bottom) == 1 else f"({' '.join(bottom)})")
        return text


def candidates(rows, width, width_free):
    """Every k N^a M^b but 1 that the shape admits (no N without a batch, no M where the width is fixed)."""
    powers_n = (-1, 0, 1) if rows else (0,)
    powers_m = (-1, 0, 1) if rows and width_free else (0,)
    return [Factor(k, a, b) for k in (Fraction(1), Fraction(2), Fraction(1, 2))
            for a in powers_n for b in powers_m if (k, a, b) != (1, 0, 0)]


def matching(c, factors, rows, width):
    return [f for f in factors if abs(abs(c) - f.value(rows, width)) <= RELATIVE * abs(c)]


def usual(f, rows, width):
    """The usual cause of a few factors, in words; "" for the others."""
    causes = {
        (1, 1, 0): f"c = N, the {rows} rows of the batch: a gradient is not divided by N where the result is a mean, "
                   f"or a sum is used where the spec takes the mean",
        (1, -1, 0): f"c = 1/N for a batch of N = {rows} rows: a gradient is averaged over the batch where it should "
                    f"be summed, or divided by N twice",
        (1, 1, 1): f"c = N M = {(rows or 1) * (width or 1)}, the number of entries: a gradient is not divided by N M "
                   f"where the loss is a mean over all entries",
        (1, -1, -1): f"c = 1/(N M): a gradient is divided by the {(rows or 1) * (width or 1)} entries once too often",
        (2, 0, 0): "a factor 2 too many",
        (Fraction(1, 2), 0, 0): "a factor 2 is missing, e.g. the 2 in d(r^2)/dr = 2 r",
    }
    return causes.get((f.k, f.a, f.b), "")


def meaning(f, rows, width):
    return usual(f, rows, width) or (f"c = {f.symbol()}: the factor {f.inverse().symbol()} of the spec's formula is "
                                     f"missing or applied the wrong way round")


def constant_meaning(c):
    """The cause of a factor that cannot depend on the shape (one case of a derivative): 2 or 1/2, else ""."""
    found = matching(c, candidates(None, None, False), None, None)
    return usual(found[0], None, None) if found else ""


def name(c, subject, scale_at):
    """Words for the factor c of a block: its name and cause if two shapes agree, else what the shapes say.

    scale_at(second) -> the block's factor at the reshaped subject second, or None when it has none there.
    """
    rows, width, free = subject.rows, subject.width, subject.width_free
    first = matching(c, candidates(rows, width, free), rows, width)
    sign = ", and the sign is flipped too" if c < 0 else ""
    if len(first) == 1 and not (first[0].a or first[0].b):
        return meaning(first[0], rows, width) + sign  # no symbol of the shape could take its place
    second = subject.reshaped() if first else None
    c2 = scale_at(second) if second else None
    if c2 is None:
        return ("a constant factor is wrong" + sign) if not first else \
            f"c could be {' or '.join(f.symbol() for f in first)} here, and no second shape tells which{sign}"
    both = [f for f in first if f in matching(c2, first, second.rows, second.width)]
    shapes = f"(tested at N = {rows}, M = {width} and at N = {second.rows}, M = {second.width})"
    if len(both) == 1:
        return f"{meaning(both[0], rows, width)}{sign} {shapes}"
    if both:
        return f"c could be {' or '.join(f.symbol() for f in both)} at both shapes{sign} {shapes}"
    if abs(c2 - c) <= RELATIVE * abs(c):
        return f"a constant factor is wrong{sign} {shapes}"
    return f"the factor changes with the shape, {c2:.4g} at N = {second.rows}, M = {second.width}{sign}"


def ratio(entries):
    """c with analytic = c numeric in every entry (least squares over the smooth ones), or None."""
    smooth = [e for e in entries if not e.kink] or entries
    norm = sum(e.numeric ** 2 for e in smooth)
    c = sum(e.analytic * e.numeric for e in smooth) / norm if norm else 0.0
    return c if c and all(fits(e, e.analytic / c) for e in entries) else None


def scale(block, subject):
    c = ratio(block.failures)
    if c is None or (len(block.failures) < 2 and simple(c) is None):
        return None
    if len(block.failures) < len(block.entries) and not all(fits(e, e.analytic / c) for e in block.entries):
        return partial_scale(block, subject, c, len(block.failures))
    why = name(c, subject, lambda second: scale_at(second, block.name))
    return "scale", (f"{block.name} equals {factor(c)} times the numeric gradient in {count(block.entries)}: "
                     f"{why}; {reread(subject)}")


def scale_at(second, name):
    """The factor of block name at another point of the same subject, or None."""
    try:
        second.probe([])
        block = next(compare(n, analytic, target, second.f) for n, target, analytic in second.blocks() if n == name)
    except Exception:  # the second shape is one the object refuses
        return None
    return None if block.problem else ratio(block.entries)


def partial_scale(block, subject, c, failing):
    """c times the numeric gradient on the failing entries only: one case of the derivative is off."""
    where = f"in the {failing} entries that fail, and is right in the other {len(block.entries) - failing}"
    if abs(c + 1.0) <= RELATIVE:
        return "sign-flip", (f"{block.name} equals minus the numeric gradient {where}: one case of the derivative "
                             f"(e.g. one side of a kink) has its sign flipped; {reread(subject)}")
    why = constant_meaning(c)
    return "scale", (f"{block.name} is {factor(c)} times the numeric gradient {where}: one case of the derivative "
                     f"(e.g. one side of a kink) has a wrong constant factor{' (' + why + ')' if why else ''}; "
                     f"{reread(subject)}")


def simple(c):
    """c as a fraction with small numerator and denominator, or None."""
    f = Fraction(c).limit_denominator(64)
    return f if abs(f.numerator) <= 64 and abs(float(f) - c) <= RELATIVE * abs(c) else None


def factor(c):
    f = simple(c)
    return f"{c:.4g}" if f is None else str(f)
