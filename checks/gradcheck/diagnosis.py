"""Diagnosis: what kind of wrong a failing gradient block is, in one code and one sentence.

diagnose(block, subject) tests hypotheses about the analytic block a against
the numeric one n, in this order, and returns the first that fits as
(code, evidence):

1. transposed       a is the transpose of n (a wrong shape that is the transpose
                    counts here, as does a square block that only differs by value);
2. shape            a has another shape (and which);
   cell-tanh-slope, cell-not-carried, gate-order, not-summed-over-time, update-gate-swapped:
                    a gated recurrent layer's own mistakes (gate_diagnosis.py), before zero-gradient:
                    a recurrent weight's gradient assigned at each step instead of summed is the share
                    of step 0 alone, which is 0 when h0 = 0;
3. zero-gradient    a is 0 at every failing entry, where n is not;
4. sign-flip        a = -n at every entry;
   not-carried, not-summed-over-time, state-off-by-one, every-step, wrong-step: a
                    recurrent layer's own mistakes, recomputed from its x, output and params
                    with no extra forward call (recurrence_diagnosis.py);
5. ignores-upstream a is the gradient with dy all ones: the local derivative alone,
                    not multiplied by the upstream gradient;
6. wrong-input      (dx of an elementwise layer) a = dy f'(q) with the derivative taken
                    at the wrong quantity q: the output y; f^-1(x), a derivative written
                    in terms of y applied to x (1 - x^2 for tanh), tested where f^-1(x)
                    exists and, when f' is a polynomial g(y) of the output, everywhere;
                    dy itself, f'(dy) or g(dy) (slopes.py);
7. diagonal-only    (dx of a layer whose output has its input's shape, not elementwise)
                    a_ij = dy_ij d(y_ij)/d(x_ij): the cross terms of the Jacobian are dropped;
8. single-sample    (a parameter of a layer, N > 1) a is the gradient of one row of
                    the batch alone;
9. stale-cache      a is the numeric gradient at the input of an earlier forward;
10. scale           a = c n for one constant c, at every entry, or at every failing
                    entry while the others pass (c = -1 there is a sign-flip); c is
                    named in the spec's symbols only when two shapes agree (factors.py);
11. wrong-formula   (dx of an elementwise layer) a is a short polynomial in dy and y
                    (or x) that differs from the spec's: 1 - y for 1 - y^2,
                    dy - y^2 for dy (1 - y^2) (formulas.py);
    missing-gamma, statistics-paths: a normalization layer's own mistakes, before scale
                    (normalization_diagnosis.py);
    overwritten-overlap, statistics-paths on images: pooling and spatial normalization mistakes,
                    before scale (pooling_diagnosis.py);
    padding-kept, axes-swapped, flipped-kernel, stride-ignored: a convolution's own mistakes, first of all
                    (two of them explain a wrong shape) (convolution_diagnosis.py);
    overwritten-repeats, wrong-row: a lookup table's own mistakes on integer ids, before scale
                    (embedding_diagnosis.py);
12. unknown         detected, but nothing above fits: the evidence then gives the
                    closest description the numbers support (formulas.closest).

The cheap, exact patterns come first; those that cost extra finite differences
(5-9) come after them, and scale, which fits a single entry trivially, comes
late (with one failing entry c must be a simple fraction). "Fits" means every
entry passes the check's own test (its data tolerance, or inside a kink) with
SLACK times the tolerance, or agrees to RELATIVE.

The report's single code (gradcheck.conclude) puts the protocol probes first:
a forward output of the wrong shape stops the check (shape); nondeterministic,
mutates-input and accumulates explain the blocks they changed, and every other
failing block is still diagnosed and listed; without such a finding the first
failing block (dx, then the parameters) whose code is not unknown wins;
unstable, a probe at extreme inputs, is the code when every block passes.
"""
from checks import nested
from checks.gradcheck import (convolution_diagnosis, embedding_diagnosis, factors, formulas, gate_diagnosis,
                             normalization_diagnosis, pooling_diagnosis, recurrence_diagnosis)
from checks.gradcheck.evidence import all_fit, count, fits, reread

def transposed(block, subject):
    shape, given, entries = block.shape, block.given, block.entries or block.expected
    if not entries or shape is None or len(shape) != 2 or nested.shape(given) != (shape[1], shape[0]) or shape == (1, 1):
        return None
    if not all_fit(entries, [given[j][i] for i, j in (e.index for e in entries)]):
        return None
    how = (f"has shape {nested.shape(given)}, the transpose of {shape}, and its values" if block.problem
           else "is square, and its values")
    return "transposed", (f"{block.name} {how} equal the transpose of the numeric gradient in {count(entries)}: a "
                          f"product has its factors in the wrong order or a transpose is misplaced; {reread(subject)}")


def wrong_shape(block, subject):
    if not block.problem.startswith("shape"):
        return None
    found, target = nested.shape(block.given), block.name[1:]
    if block.given is None:
        return "shape", f"{block.name} is missing after backward; it must have the shape {block.shape} of {target}; " \
                        f"reread specs/protocol.md, \"Layers\""
    flat = nested.flatten(block.given)
    right = (len(flat) == len(block.expected) and all(isinstance(v, (int, float)) for v in flat)
             and all_fit(block.expected, flat))
    values = "; its values are right, only the nesting is wrong" if right else ""
    return "shape", (f"{block.name} has shape {found or 'of no matrix or vector'}, but it must have the shape "
                     f"{block.shape} of {target}{values}; {reread(subject, 'Shapes')}")


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


def equals(block, gradient):
    """Whether the analytic block equals another numeric gradient (a list of Entries) in every entry."""
    return bool(gradient) and all_fit(gradient, [e.analytic for e in block.entries])


def ignores_upstream(block, subject):
    if not equals(block, subject.upstream_ones(block.name)):
        return None
    return "ignores-upstream", (
        f"{block.name} equals the gradient for an upstream gradient dy of all ones in {count(block.entries)}: it is "
        f"the layer's local derivative alone; multiply it by dy, entry by entry (chain rule); {reread(subject)}")


WRONG_POINTS = {
    "output": ("dy times the layer's own slope at its output y, f'(y), instead of at its input x", "the derivative is "
               "evaluated at the output (e.g. sigma'(y) = sigma'(sigma(x)) where sigma'(x) is meant)"),
    "inverse": ("dy times f'(z) with f(z) = x, that is the derivative written in terms of the output applied to the "
                "input", "a formula in y (such as 1 - y^2 for tanh) is evaluated at x (1 - x^2)"),
    "dy": ("dy times the layer's slope at dy, f'(dy), instead of at its input x", "the derivative is evaluated at the "
           "upstream gradient (e.g. (dy > 0) for ReLU where (x > 0) is meant)"),
    "dy-form": ("dy times the derivative written in terms of the output, applied to dy", "a formula in y (such as "
                "1 - y^2 for tanh) is evaluated at dy instead of at the cached output y"),
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


def diagonal_only(block, subject):
    if not equals(block, subject.diagonal(block.name)):
        return None
    return "diagonal-only", (
        f"{block.name} equals dy_ij times d(y_ij)/d(x_ij) alone in {count(block.entries)}: only the diagonal of "
        f"the Jacobian is used, but every output of a row depends on every input of that row; add the cross terms, "
        f"dx_j = sum_k dy_k d(y_k)/d(x_j); {reread(subject)}")


def single_sample(block, subject):
    for r, row in enumerate(subject.per_row(block.name) or []):
        if equals(block, row):
            return "single-sample", (
                f"{block.name} equals the gradient of row {r} of the batch alone in {count(block.entries)}: the "
                f"contributions of the {subject.rows} rows are not summed; {reread(subject)}")
    return None


def stale_cache(block, subject):
    if not equals(block, subject.earlier(block.name)):
        return None
    return "stale-cache", (
        f"{block.name} equals the numeric gradient at the input of an earlier forward call, not the latest one, in "
        f"{count(block.entries)}: backward uses a cache from an older forward; store the input (or output) on every "
        f"forward call; reread specs/protocol.md, \"Layers\", and what {subject.spec} says backward keeps")


def wrong_formula(block, subject):
    found = formulas.wrong_formula(block, subject)
    return found and ("wrong-formula", f"{found}; {reread(subject)}")


HYPOTHESES = [*convolution_diagnosis.HYPOTHESES, transposed, wrong_shape, *gate_diagnosis.HYPOTHESES, zero_gradient,
              sign_flip, *recurrence_diagnosis.HYPOTHESES, ignores_upstream, wrong_input, diagonal_only, single_sample,
              stale_cache, *normalization_diagnosis.HYPOTHESES, *pooling_diagnosis.HYPOTHESES,
              *embedding_diagnosis.HYPOTHESES, factors.scale, wrong_formula]


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
                       f"wrong point, stale input, missing dy, Jacobian diagonal, slope formula); "
                       f"{formulas.closest(block, subject)}; {reread(subject)}")
