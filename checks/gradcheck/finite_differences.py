"""Finite differences, entry by entry: numeric values, data tolerances and kinks.

For a layer, the checked scalar is f = sum(forward(x) * dy) with a random,
signed upstream dy: its gradient is exactly what backward(dy) returns. For a
loss, f is the loss itself and backward() is its gradient.

Each entry theta is perturbed by +-h and +-h/2 (h a power of two, so the
steps are exact). From the five values of f (f at theta itself is computed
once per point and shared by every entry):

- numeric  = (f(+h/2) - f(-h/2)) / h, the central difference;
- the data tolerance: |D(h) - D(h/2)| estimates its truncation error, plus
  round-off and a small relative floor (at a kink, where that difference
  measures the kink itself, the smoother side's one-sided quotients at h and
  h/2 give the truncation error instead);
- kinks: a smooth f has one-sided quotients whose gap shrinks with h and
  central differences that agree; where that fails, theta sits on (or next
  to) a kink, and any analytic value between the one-sided quotients passes.

A block's relative error |a - n| / max(|a|, |n|) is also placed in the
CS231n bands (see band).
"""
import math
from dataclasses import dataclass, field

from checks import nested

H = 2.0 ** -17  # about 7.6e-6; theta +- H and theta +- H/2 are exact for |theta| < 2**35
EPS = 2.0 ** -52
RTOL = 1e-7  # relative floor of the tolerance
ATOL = 1e-10  # absolute floor of the tolerance
KINK_RATIO = 1e-4  # smoothness residual, relative to the one-sided quotients, that marks a kink
ROUNDOFF = 64.0  # round-off allowance, in units of EPS * |f| / h
DENOMINATOR_FLOOR = 1e-8  # floor of max(|analytic|, |numeric|) in the relative error
STEPS = (("+h", H), ("-h", -H), ("+h/2", H / 2), ("-h/2", -H / 2))
BANDS = ((1e-2, "probably wrong"), (1e-4, "uncomfortable"), (1e-7, "fine with kinks"), (0.0, "good"))


def band(relative_error):
    """The CS231n band of a relative error: above 1e-2 probably wrong, down to below 1e-7 good."""
    return next(name for floor, name in BANDS if relative_error > floor or floor == 0.0)


@dataclass
class Entry:
    """One checked number: block[index], its analytic and numeric values."""

    block: str
    index: tuple
    analytic: float
    numeric: float
    tolerance: float
    kink: bool = False
    low: float = 0.0  # the one-sided quotients' range, at a kink
    high: float = 0.0

    @property
    def error(self):
        return abs(self.analytic - self.numeric)

    @property
    def relative_error(self):
        scale = max(abs(self.analytic), abs(self.numeric), DENOMINATOR_FLOOR)
        return self.error / scale

    @property
    def passed(self):
        return self.admits(self.analytic)

    def admits(self, value, slack=1.0):
        """Whether value passes as the derivative here: within slack tolerances of numeric, or inside a kink."""
        allowed = slack * self.tolerance
        if abs(value - self.numeric) <= allowed:
            return True
        return self.kink and self.low - allowed <= value <= self.high + allowed

    def where(self):
        return self.block + nested.where(self.index)


@dataclass
class Block:
    """All entries of one gradient: the input's (dx), or one parameter's."""

    name: str
    shape: tuple
    entries: list = field(default_factory=list)
    problem: str = ""  # a structural problem (wrong shape, missing key) that stopped the comparison
    given: object = None  # the analytic gradient as returned, whatever its shape
    expected: list = field(default_factory=list)  # numeric-only entries, when the shapes differ
    diagnosis: str = None
    evidence: str = ""

    @property
    def failures(self):
        return [e for e in self.entries if not e.passed]

    @property
    def kinks(self):
        return [e for e in self.entries if e.kink]

    @property
    def passed(self):
        return not self.problem and not self.failures

    @property
    def relative_error(self):
        """|a - n| / max(|a|, |n|) over the block's smooth entries, in the Euclidean norm."""
        smooth = [e for e in self.entries if not e.kink]
        difference = math.sqrt(math.fsum(e.error ** 2 for e in smooth))
        scale = max(math.sqrt(math.fsum(e.analytic ** 2 for e in smooth)),
                    math.sqrt(math.fsum(e.numeric ** 2 for e in smooth)), DENOMINATOR_FLOOR)
        return difference / scale

    @property
    def band(self):
        return None if self.problem else band(self.relative_error)


def five_point(f, put, theta, f0):
    """f at theta + {+-h, +-h/2} (put sets the entry), and f0 = f at theta -> dict of values; theta is restored."""
    values = {"0": f0}
    for key, step in STEPS:
        put(theta + step)
        values[key] = f()
    put(theta)
    return values


def judge(block, index, analytic, v):
    """Five values of f around one entry -> its Entry (numeric value, tolerance, kink)."""
    d1 = (v["+h"] - v["-h"]) / (2 * H)
    d2 = (v["+h/2"] - v["-h/2"]) / H
    quotients = [(v["+h"] - v["0"]) / H, (v["0"] - v["-h"]) / H,
                 (v["+h/2"] - v["0"]) / (H / 2), (v["0"] - v["-h/2"]) / (H / 2)]
    f_scale = max(abs(x) for x in v.values())
    roundoff = ROUNDOFF * EPS * f_scale / H
    floor = roundoff + RTOL * max(abs(analytic), abs(d2)) + ATOL
    gap_h, gap_h2 = quotients[0] - quotients[1], quotients[2] - quotients[3]
    residual = max(abs(gap_h - 2.0 * gap_h2), abs(d1 - d2))
    kink = residual > KINK_RATIO * max(abs(q) for q in quotients) + 4 * roundoff
    if not kink:
        return Entry(block, index, analytic, d2, 2.0 * abs(d1 - d2) + floor)
    # At a kink D(h) - D(h/2) measures the kink, not the truncation error: take that of the smoother side.
    curvature = 2.0 * min(abs(quotients[0] - quotients[2]), abs(quotients[1] - quotients[3]))
    floor += RTOL * max(abs(q) for q in quotients)
    return Entry(block, index, analytic, d2, curvature + floor, kink, min(quotients), max(quotients))


def sweep(target, f, f0):
    """(index, five values of f) for every entry of the list target, edited in place and restored."""
    for index in nested.indices(target):
        get, put = nested.accessors(target, index)
        yield index, five_point(f, put, get(), f0)


def compare(name, analytic, target, f, f0=None):
    """Check every entry of the list target (edited in place) against the analytic gradient."""
    f0 = f() if f0 is None else f0
    block = Block(name, nested.shape(target), given=nested.copy(analytic))
    found = nested.shape(analytic)
    if found != block.shape:
        block.problem = f"shape {found}; it must have the shape {block.shape} of {name[1:]}"
        block.expected = numeric_entries(name, target, f, f0)
        return block
    for index in nested.indices(target):
        a = nested.read(analytic, index)
        if not isinstance(a, (int, float)) or not math.isfinite(a):
            block.problem = f"entry {index} of the gradient is {a!r}, not a finite number"
            return block
    for index, values in sweep(target, f, f0):
        block.entries.append(judge(name, index, float(nested.read(analytic, index)), values))
    return block


def numeric_entries(name, target, f, f0):
    """The numeric gradient of f with respect to target, as Entries with analytic 0.0."""
    return [judge(name, index, 0.0, values) for index, values in sweep(target, f, f0)]
