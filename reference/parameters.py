"""Walking over a parameter of any shape (specs/parameters.md).

A parameter is a vector (a flat list), a matrix (a list of rows) or a tensor of
higher rank (a conv weight (F, C, KH, KW): lists of lists of rows). The
optimizers edit parameters in place row by row, over the innermost rows; a
vector is one row.
"""


def is_matrix(p):
    """True for a list of lists (a matrix, or a tensor of higher rank), False for a flat vector."""
    return bool(p) and isinstance(p[0], list)


def rows(*tensors):
    """Tensors of one shape -> tuples of their innermost rows, side by side, in row-major order; a vector counts as a
    single row."""
    if is_matrix(tensors[0]):
        return [row for parts in zip(*tensors) for row in rows(*parts)]
    return [tensors]


def entries(p):
    """Every number of a parameter, in row-major order."""
    return [v for (row,) in rows(p) for v in row]


def zeros_like(p):
    """A new parameter of 0.0 with the shape of p."""
    return [zeros_like(part) for part in p] if is_matrix(p) else [0.0] * len(p)


def copy(p):
    """A new parameter with the entries of p."""
    return [copy(part) for part in p] if is_matrix(p) else list(p)


def shape(p):
    """(rows, columns) for a matrix, (length,) for a vector, (F, C, KH, KW) for a conv weight: one length per axis."""
    return (len(p),) + shape(p[0]) if is_matrix(p) else (len(p),)
