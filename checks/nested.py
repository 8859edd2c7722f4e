"""Tensors of any rank as nested lists, for the checks: shape, copy, flatten, indices, read and write, map.

A tensor is a number, or a list of tensors of one shape: a vector (D,), a
batch (N, D), a sequence batch (N, T, D), an image batch (N, C, H, W), a
conv weight (F, C, KH, KW). An index is a tuple with one entry per axis.
These helpers never assume a rank; reference/tensor.py holds what the
components themselves compute with.

>>> x = [[[1.0, 2.0], [3.0, 4.0]]]
>>> shape(x), flatten(x), read(x, (0, 1, 0))
((1, 2, 2), [1.0, 2.0, 3.0, 4.0], 3.0)
>>> unflatten([1.0, 2.0, 3.0, 4.0], (1, 2, 2)) == x
True
"""
import math
import operator


def is_number(value):
    """An int or a float; a bool is not a number here."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def shape(value):
    """The shape of a tensor of numbers (a list, nested), or None for anything else: a number, ragged lists,
    strings, ..."""
    return dims(value) if isinstance(value, list) else None


def dims(value):
    """The shape of a tensor, () for a number, or None."""
    if is_number(value):
        return ()
    if not isinstance(value, list):
        return None
    if not value:
        return (0,)
    inner = {dims(v) for v in value}
    if len(inner) != 1 or None in inner:
        return None
    return (len(value),) + inner.pop()


def copy(value):
    """A deep copy: new lists all the way down, the same numbers."""
    return [copy(v) for v in value] if isinstance(value, list) else value


def flatten(value):
    """Every entry in row-major order (whatever the entries are)."""
    if not isinstance(value, list):
        return [value]
    if not any(isinstance(v, list) for v in value):
        return list(value)  # the innermost axis, in one step: f = sum(y * dy) flattens y once per perturbation
    return [x for v in value for x in flatten(v)]


def unflatten(values, dims):
    """The tensor of shape dims whose row-major entries are values."""
    if not dims:
        return values[0]
    size = len(values) // dims[0] if dims[0] else 0
    return [unflatten(values[i * size:(i + 1) * size], dims[1:]) for i in range(dims[0])]


def indices(value, prefix=()):
    """The index tuple of every entry, in row-major order (a ragged list gives those of its own entries)."""
    if not isinstance(value, list):
        return [prefix]
    return [index for i, v in enumerate(value) for index in indices(v, prefix + (i,))]


def read(value, index):
    """value[i][j]... for index (i, j, ...)."""
    for i in index:
        value = value[i]
    return value


def write(value, index, entry):
    """Set value[i][j]... = entry, in place."""
    read(value, index[:-1])[index[-1]] = entry


def accessors(value, index):
    """(get, put) of value[index], put editing value in place."""
    holder, last = read(value, index[:-1]), index[-1]
    return (lambda: holder[last]), (lambda v: holder.__setitem__(last, v))


def apply(f, value):
    """f of every entry, as a new tensor of the same shape."""
    return [apply(f, v) for v in value] if isinstance(value, list) else f(value)


def combine(f, a, b):
    """f(a entry, b entry) entry by entry, for two tensors of the same shape."""
    return [combine(f, u, v) for u, v in zip(a, b)] if isinstance(a, list) else f(a, b)


def fill(value, draw):
    """Replace every entry of value, in place, by draw()."""
    for index in indices(value):
        write(value, index, draw())


def dot(a, b):
    """sum(a * b) over every entry, exactly rounded."""
    if a and isinstance(a[0], list) and a[0] and not isinstance(a[0][0], list):
        try:  # a batch (N, D), the gradient check's f at every perturbation: no lists built
            return math.fsum(u * v for a_row, b_row in zip(a, b) for u, v in zip(a_row, b_row))
        except TypeError:  # a deeper entry further on: the general case
            pass
    return math.fsum(map(operator.mul, flatten(a), flatten(b)))


def gaussian(rng, dims, sigma=1.0):
    """A tensor of shape dims of N(0, sigma^2) entries from rng: signed, never all ones."""
    return unflatten([rng.gauss(0.0, sigma) for _ in range(math.prod(dims))], dims)


def where(index):
    """An index as it is written after a name: "[0][2]"."""
    return "".join(f"[{i}]" for i in index)
