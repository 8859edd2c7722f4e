"""Values a submission returns, as the child reads them: exact nested lists of numbers, copied and compared.

A child-side module (runner.py loads it in the child; it imports only the
standard library). plain() turns a result into exact lists, ints and floats
(a float subclass becomes its float value, whatever its methods claim; a
tuple is refused); duplicate(), unchanged() and the params copies tell the
grader which lists a call edited; aliases() finds a result that shares rows
with the arguments. The child computes no verdict: these only describe.
"""
import builtins
from itertools import chain as chained

__builtins__ = dict(vars(builtins))  # the functions below keep this copy: patching builtins does not reach them

MAX_DEPTH = 8  # nesting of lists in a value sent back
NUMBERS = {float, int}


class NotPlain(ValueError):
    """A value that is not a nested list of numbers."""


def is_plain(value, depth=0):
    """Whether value is already exact lists of exact ints and floats (the fast path of plain)."""
    if type(value) is not list:
        return type(value) in NUMBERS
    kinds = set(map(type, value))
    if kinds <= NUMBERS:
        return True
    if kinds == {list} and set(map(type, chained.from_iterable(value))) <= NUMBERS:
        return True  # a matrix
    return depth < MAX_DEPTH and all(type(v) in NUMBERS or (type(v) is list and is_plain(v, depth + 1))
                                     for v in value)


def plain(value, path="", depth=0):
    """value as exact lists, ints and floats; NotPlain names the first entry that is something else."""
    if is_plain(value):
        return value
    if isinstance(value, bool):
        raise NotPlain(f"{path or 'the value'} is {value!r}, a bool, not a number")
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise NotPlain(f"{path or 'the value'} is nested more than {MAX_DEPTH} lists deep")
        return [plain(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(list.__iter__(value))]
    kind = type(value).__name__ if type(value).__name__.isidentifier() else "object"
    raise NotPlain(f"{path or 'the value'} is a {kind}, not a list or a number")


def duplicate(value):
    """A copy of nested lists (the leaves are shared: numbers do not change)."""
    if type(value) is not list:
        return value
    if set(map(type, value)) == {list} and list not in set(map(type, chained.from_iterable(value))):
        return list(map(list.copy, value))  # a matrix, copied row by row at C speed
    return [v[:] if type(v) is list and list not in set(map(type, v)) else duplicate(v) for v in value]


def unchanged(value, copy):
    """Whether value still equals copy, taken before a call; anything but plain numbers counts as changed."""
    return is_plain(value) and value == copy


def plain_entries(mapping, what):
    """A params or grads dict as {name: plain value or None}; None when there is no such dict."""
    if mapping is None or not hasattr(mapping, "items"):
        return None
    out = {}
    for name, value in list(mapping.items()):
        if not isinstance(name, str):
            raise NotPlain(f"{what} has a key {name!r} that is not a string")
        out[str.__str__(name)] = None if value is None else plain(value, f"{what}['{name}']")
    return out


def changes(args, before):
    """{index: the argument now} for every argument that differs from its copy taken before the call."""
    return {str(i): plain(a, f"argument {i}") for i, (a, b) in enumerate(zip(args, before)) if not unchanged(a, b)}


def params_changed(now, before):
    """Whether the params (as params_copy gives them) changed during a call."""
    if now is None or before is None:
        return now is not before
    return now[0] != before[0] or not all(unchanged(a, b) for a, b in zip(now[1], before[1]))


def params_copy(obj):
    """The params as [names, copies of their values], or None when there is no dict of them."""
    params = getattr(obj, "params", None)
    if type(params) is not dict:
        return None
    names = list(params)
    return [names, [duplicate(params[n]) for n in names]] if all(type(n) is str for n in names) else None


def aliases(result, args):
    """Where the result is one of the arguments, or shares rows with them: {"whole": k} or {"rows": {i: [k, j]}}."""
    for k, a in enumerate(args):
        if result is a:
            return {"whole": k}
    if not isinstance(result, list):
        return None
    inside = set(map(address, list.__iter__(result)))
    if all(not isinstance(a, list) or inside.isdisjoint(map(address, list.__iter__(a))) for a in args):
        return None
    rows = {address(row): (row, k, j) for k, a in enumerate(args) if isinstance(a, list) for j, row in enumerate(a)
            if isinstance(row, list)}
    shared = {}
    for i, r in enumerate(list.__iter__(result)):
        row, k, j = rows.get(address(r), (None, 0, 0))
        if row is r:
            shared[str(i)] = [k, j]
    return {"rows": shared} if shared else None


address = object.__hash__  # an object's identity, as id() gives it but with no audit event (the guard sees every id())
