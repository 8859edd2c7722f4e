"""Diagnosis of a lookup table's parameter gradient (Embedding, whose inputs are integer ids): its own mistakes.

Two hypotheses, read by checks/gradcheck/diagnosis.py after its own, through the protocol alone; both apply
to a parameter block of a layer whose input x holds integer ids (specs/protocol.md, "Integer inputs"):

- overwritten-repeats  a equals the numeric gradient with dy kept at one position per id (the last one, or
                       the first) and zero at the others: a repeated id's dy is written with `=` instead of
                       added with `+=`, so only one of its positions counts;
- wrong-row            a matrix block whose rows equal the numeric gradient's rows moved by k != 0 rows
                       (a[(v + k) mod V] = n[v] for every row v): each position's dy is added to the row of
                       another id, such as id + 1.
"""
from checks import nested
from checks.gradcheck.evidence import count, fits, reread
from checks.gradcheck.subjects import integer_ids


def kept_positions(x, last):
    """The index of one position per id in x (the last one, or the first), in row-major order."""
    chosen = {}
    for index in nested.indices(x):
        v = nested.read(x, index)
        if last or v not in chosen:
            chosen[v] = index
    return set(chosen.values())


def masked_upstream(subject, kept):
    """dy with the rows at the positions of x outside kept set to zeros."""
    dy = nested.copy(subject.dy)
    for index in nested.indices(subject.x):
        if index not in kept:
            row = nested.read(dy, index)
            row[:] = [0.0] * len(row)
    return dy


def overwritten_repeats(block, subject):
    x = getattr(subject, "x", None)
    if block.name == "dx" or x is None or not integer_ids(x) or not hasattr(subject, "weighted"):
        return None
    flat = nested.flatten(x)
    if len(set(flat)) == len(flat):
        return None  # no id repeats: nothing can be overwritten
    for last, which in ((True, "last"), (False, "first")):
        numeric = subject.weighted(block.name, masked_upstream(subject, kept_positions(x, last)))
        if numeric and all(fits(n, e.analytic) for n, e in zip(numeric, block.entries)):
            return "overwritten-repeats", (
                f"{block.name} equals the gradient with dy kept only at the {which} position of each id, in "
                f"{count(block.entries)}: a repeated id's dy is assigned (=) instead of added (+=), so its other "
                f"positions are lost; {reread(subject)}")
    return None


def wrong_row(block, subject):
    x = getattr(subject, "x", None)
    shape = block.shape
    if block.name == "dx" or x is None or not integer_ids(x) or shape is None or len(shape) != 2 or block.problem:
        return None
    rows = shape[0]
    at = {e.index: e for e in block.entries}
    for k in range(1, rows):
        if all(fits(at[(v, j)], at[((v + k) % rows, j)].analytic) for v, j in at):
            moved = f"id + {k}" if k <= rows // 2 else f"id - {rows - k}"
            return "wrong-row", (
                f"{block.name} holds the numeric gradient's rows moved by {k} (row v's gradient is found in row "
                f"(v + {k}) mod {rows}), in {count(block.entries)}: each position's dy is added to the row of "
                f"another id ({moved}) instead of its own; {reread(subject)}")
    return None


HYPOTHESES = [overwritten_repeats, wrong_row]
