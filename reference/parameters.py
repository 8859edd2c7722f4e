"""Walking over a parameter of either shape (specs/parameters.md).

A parameter is a matrix (a list of rows) or a vector (a flat list). The
optimizers edit parameters in place row by row; a vector is one row.
"""


def is_matrix(p):
    """True for a list of rows, False for a flat vector."""
    return bool(p) and isinstance(p[0], list)


def rows(*tensors):
    """Tensors of one shape -> tuples of their rows, side by side; a vector counts as a single row."""
    if is_matrix(tensors[0]):
        return list(zip(*tensors))
    return [tensors]


def entries(p):
    """Every number of a matrix or a vector, row by row."""
    return [v for row in p for v in row] if is_matrix(p) else list(p)


def zeros_like(p):
    """A new matrix or vector of 0.0 with the shape of p."""
    return [[0.0] * len(row) for row in p] if is_matrix(p) else [0.0] * len(p)


def copy(p):
    """A new matrix or vector with the entries of p."""
    return [list(row) for row in p] if is_matrix(p) else list(p)


def shape(p):
    """(rows, columns) for a matrix, (length,) for a vector."""
    return (len(p), len(p[0])) if is_matrix(p) else (len(p),)
