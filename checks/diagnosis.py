"""Diagnosis: what kind of wrong a failing gradient block is, in one code and one sentence.

diagnose(block, subject) tests hypotheses about the analytic block a against
the numeric one n, in this order, and returns the first that fits as
(code, evidence):

1. transposed     a is the transpose of n (a wrong shape that is the transpose
                  counts here, as does a square block that only differs by value);
2. shape          a has another shape (and which);
3. zero-gradient  a is 0 at every failing entry, where n is not;
4. sign-flip      a = -n at every entry;
5. wrong-input    (dx of an elementwise layer) a = dy f'(y), the derivative at the
                  output; or a = dy f'(f^-1(x)), a derivative written in terms of y
                  applied to x (1 - x^2 for tanh), tested where f^-1(x) exists and,
                  when f' is a polynomial g(y) of the output, everywhere (slopes.py);
6. single-sample  (a parameter of a layer, N > 1) a is the gradient of one row of
                  the batch alone;
7. stale-cache    a is the numeric gradient at the input of an earlier forward;
8. scale          a = c n for one constant c, at every entry, or at every failing
                  entry while the others pass (c = -1 there is a sign-flip);
9. unknown        detected, but nothing above fits.

The cheap, exact patterns come first; those that cost extra finite differences
(5-7) come after them, and scale, which fits a single entry trivially, comes
last (with one failing entry c must be a simple fraction). "Fits" means every
entry passes the check's own test (its data tolerance, or inside a kink) with
SLACK times the tolerance, or agrees to RELATIVE.

The report's single code (gradcheck.conclude) puts the protocol probes first:
a forward output of the wrong shape stops the check (shape); nondeterministic,
mutates-input and accumulates explain any block failure, so blocks are not
diagnosed then; otherwise the first failing block (dx, then the parameters)
whose code is not unknown wins; unstable, a probe at extreme inputs, is the
code when every block passes.
"""
from fractions import Fraction

from checks.finite_differences import shape_of

SLACK = 4.0
RELATIVE = 1e-6


def fits(entry, value):
    return entry.admits(value, SLACK) or abs(value - entry.numeric) <= RELATIVE * max(abs(value), abs(entry.numeric))


def all_fit(entries, values):
    return all(fits(e, v) for e, v in zip(entries, values))


def reread(subject, section="Partial derivatives"):
    return f"reread {subject.spec}, \"{section}\""


def count(entries):
    return f"all {len(entries)} entries" if len(entries) > 1 else "its only entry"


def transposed(block, subject):
    shape, given, entries = block.shape, block.given, block.entries or block.expected
    if not entries or shape is None or len(shape) != 2 or shape_of(given) != (shape[1], shape[0]) or shape == (1, 1):
        return None
    if not all_fit(entries, [given[j][i] for i, j in (e.index for e in entries)]):
        return None
    how = (f"has shape {shape_of(given)}, the transpose of {shape}, and its values" if block.problem
           else "is square, and its values")
    return "transposed", (f"{block.name} {how} equal the transpose of the numeric gradient in {count(entries)}: a "
                          f"product has its factors in the wrong order or a transpose is misplaced; {reread(subject)}")


def wrong_shape(block, subject):
    if not block.problem.startswith("shape"):
        return None
    found, target = shape_of(block.given), block.name[1:]
    if block.given is None:
        return "shape", f"{block.name} is missing after backward; it must have the shape {block.shape} of {target}; " \
                        f"reread specs/protocol.md, \"Layers\""
    flat = flatten(block.given)
    right = (len(flat) == len(block.expected) and all(isinstance(v, (int, float)) for v in flat)
             and all_fit(block.expected, flat))
    values = "; its values are right, only the nesting is wrong" if right else ""
    return "shape", (f"{block.name} has shape {found or 'of no matrix or vector'}, but it must have the shape "
                     f"{block.shape} of {target}{values}; {reread(subject, 'Shapes')}")


def flatten(value):
    return [x for v in value for x in flatten(v)] if isinstance(value, list) else [value]


def zero_gradient(block, subject):
    failing = block.failures
    if not failing or any(e.analytic != 0.0 for e in failing):
        return None
    e = max(failing, key=lambda e: abs(e.numeric))
    where = count(block.entries) if len(failing) == len(block.entries) else \
        f"the {len(failing)} entries that fail (of {len(block.entries)})"
    return "zero-gradient", (f"{block.name} is 0 in {where}, where the numeric gradient is not (e.g. {e.where()}: "
                             f"numeric {e.numeric:.4g}): that gradient is never computed, or a case of the "
                             f"derivative is missing; {reread(subject)}")


def sign_flip(block, subject):
    if not all_fit(block.entries, [-e.analytic for e in block.entries]):
        return None
    return "sign-flip", (f"{block.name} equals minus the numeric gradient in {count(block.entries)}: a sign is "
                         f"flipped; {reread(subject)}")


WRONG_POINTS = {
    "output": ("dy times the layer's own slope at its output y, f'(y), instead of at its input x", "the derivative is "
               "evaluated at the output (e.g. sigma'(y) = sigma'(sigma(x)) where sigma'(x) is meant)"),
    "inverse": ("dy times f'(z) with f(z) = x, that is the derivative written in terms of the output applied to the "
                "input", "a formula in y (such as 1 - y^2 for tanh) is evaluated at x (1 - x^2)"),
}


def wrong_input(block, subject):
    for kind, candidates in subject.wrong_points(block.name) or []:
        pairs = [(c, e) for e in block.entries if (c := candidates.get(e.index)) is not None]
        if not any(not e.passed for _, e in pairs) or not all(fits(c, e.analytic) for c, e in pairs):
            continue
        what, why = WRONG_POINTS[kind]
        where = count(block.entries) if len(pairs) == len(block.entries) else \
            f"the {len(pairs)} entries where x lies in the layer's range (the others cannot be tested)"
        return "wrong-input", f"{block.name} equals {what}, in {where}: {why}; {reread(subject)}"
    return None


def single_sample(block, subject):
    for r, row in enumerate(subject.per_row(block.name) or []):
        if all_fit(row, [e.analytic for e in block.entries]):
            return "single-sample", (
                f"{block.name} equals the gradient of row {r} of the batch alone in {count(block.entries)}: the "
                f"contributions of the {subject.rows} rows are not summed; {reread(subject)}")
    return None


def stale_cache(block, subject):
    earlier = subject.earlier(block.name)
    if not earlier or not all_fit(earlier, [e.analytic for e in block.entries]):
        return None
    return "stale-cache", (
        f"{block.name} equals the numeric gradient at the input of an earlier forward call, not the latest one, in "
        f"{count(block.entries)}: backward uses a cache from an older forward; store the input (or output) on every "
        f"forward call; reread specs/protocol.md, \"Layers\", and what {subject.spec} says backward keeps")


def scale(block, subject):
    failing = block.failures
    smooth = [e for e in failing if not e.kink] or failing
    norm = sum(e.numeric ** 2 for e in smooth)
    if not norm:
        return None
    c = sum(e.analytic * e.numeric for e in smooth) / norm
    if c == 0.0 or not all(fits(e, e.analytic / c) for e in failing):
        return None
    if len(failing) < 2 and simple(c) is None:
        return None
    if all(fits(e, e.analytic / c) for e in block.entries):
        return "scale", (f"{block.name} equals {factor(c)} times the numeric gradient in {count(block.entries)}: "
                         f"{meaning(c, subject) or 'a constant factor is wrong'}; {reread(subject)}")
    return partial_scale(block, subject, c, len(failing))


def partial_scale(block, subject, c, failing):
    """c times the numeric gradient on the failing entries only: one case of the derivative is off."""
    where = f"in the {failing} entries that fail, and is right in the other {len(block.entries) - failing}"
    if abs(c + 1.0) <= RELATIVE:
        return "sign-flip", (f"{block.name} equals minus the numeric gradient {where}: one case of the derivative "
                             f"(e.g. one side of a kink) has its sign flipped; {reread(subject)}")
    why = meaning(c, subject)
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


def meaning(c, subject):
    """What a factor c usually means, given N rows and M columns; "" when nothing comes to mind."""
    n, m = subject.rows or 0, subject.width or 0
    known = []
    if n > 1:
        known += [(n, f"c = N, the {n} rows of the batch: a gradient is not divided by N where the result is a "
                      f"mean, or a sum is used where the spec takes the mean"),
                  (1 / n, f"c = 1/N for a batch of N = {n} rows: a gradient is averaged over the batch where it "
                          f"should be summed, or divided by N twice")]
    if n * m > 1 and m > 1:
        known += [(n * m, f"c = N M = {n * m}, the number of entries: a gradient is not divided by N M where the "
                          f"loss is a mean over all entries"),
                  (1 / (n * m), f"c = 1/(N M): a gradient is divided by the {n * m} entries once too often")]
    known += [(2.0, "a factor 2 too many"), (0.5, "a factor 2 is missing, e.g. the 2 in d(r^2)/dr = 2 r")]
    sign = ", and the sign is flipped too" if c < 0 else ""
    for value, text in known:
        if abs(abs(c) - value) <= RELATIVE * value:
            return text + sign
    return "a constant factor is wrong and the sign is flipped" if c < 0 else ""


HYPOTHESES = [transposed, wrong_shape, zero_gradient, sign_flip, wrong_input, single_sample, stale_cache, scale]


def diagnose(block, subject):
    """(code, evidence) for a failing block; hypotheses that raise (a layer may) count as not fitting."""
    if block.problem and not block.problem.startswith("shape"):
        return "unstable", (f"{block.name}: {block.problem} at an ordinary input: a value overflowed or was divided "
                            f"by zero; {reread(subject, 'Conventions')}")
    for hypothesis in HYPOTHESES:
        try:
            found = hypothesis(block, subject)
        except Exception:  # a wrong layer may fail on the probing inputs too
            found = None
        if found:
            return found
    failing = len(block.failures)
    return "unknown", (f"{block.name} disagrees with the numeric gradient in {failing} of {len(block.entries)} "
                       f"entries and fits none of the usual patterns (sign, constant factor, transpose, one row, zero, "
                       f"wrong point, stale input): compare it term by term with the formula; {reread(subject)}")
