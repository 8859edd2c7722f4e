"""Nested-list helpers shared by the components (specs/tensor.md).

A matrix is a list of rows, (N, D) meaning N rows of D floats; a vector is a
flat list. Every helper returns new lists and leaves its arguments alone.
"""
from operator import add, mul


def shape(a):
    """Matrix (N, D) -> the pair (N, D)."""
    return (len(a), len(a[0]) if a else 0)


def zeros(n, m):
    """A new (n, m) matrix of 0.0."""
    return [[0.0] * m for _ in range(n)]


def copy(a):
    """Matrix (N, D) -> a new matrix with the same entries."""
    return [list(row) for row in a]


def transpose(a):
    """a (N, D) -> a^T (D, N)."""
    return [list(column) for column in zip(*a)]


def matmul(a, b):
    """a (N, D) . b (D, M) -> (N, M); entry [i][j] = sum_k a[i][k] b[k][j].

    Each entry is the dot product of a row of a with a column of b, written
    sum(map(mul, row, column)) over the columns of b taken once by zip(*b).
    With D = 1 the sum has one term: entry [i][j] is the product a[i][0] b[0][j].
    """
    if len(b) == 1:
        return [[row[0] * b_j for b_j in b[0]] for row in a]
    columns = list(zip(*b))
    return [[sum(map(mul, row, column)) for column in columns] for row in a]


def affine(a, b, v):
    """a (N, D) . b (D, M) + v (M,) -> (N, M): matmul(a, b) with v added to every row, in one pass.

    Entry [i][j] = sum_k a[i][k] b[k][j] + v[j]: the same numbers as
    add_row(matmul(a, b), v), without building the product first.
    """
    columns = list(zip(zip(*b), v))  # each column of b with its entry of v, taken once
    return [[sum(map(mul, row, column)) + v_j for column, v_j in columns] for row in a]


def add_row(a, v):
    """a (N, M) + v (M,) -> (N, M): v is added to every row of a."""
    return [[x + y for x, y in zip(row, v)] for row in a]


def column_sums(a):
    """a (N, M) -> (M,): entry j = sum_i a[i][j]."""
    return [sum(column) for column in zip(*a)]


# Convolution as rows (specs/tensor.md, "Convolution as rows: im2col"). An image is (C, H, W), a list of C planes;
# a window of the padded image under output (i, j) is read in row-major order (c, a, b), so that one row of
# im2col lines up with one filter W[f] (C, KH, KW) read in the same order.

def pair(value, name, least):
    """An int or a pair of ints, each >= least -> the pair (height, width): 3 -> (3, 3), (3, 2) -> (3, 2)."""
    values = (value, value) if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= least for v in values):
        raise ValueError(f"{name} must be an int >= {least} or a pair of them (height, width), got {value!r}")
    return values


def output_size(size, kernel, stride, padding):
    """The number of windows along one axis: (size + 2 padding - kernel) // stride + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def padded(plane, ph, pw):
    """plane (H, W) -> (H + 2 ph, W + 2 pw): a border of ph rows and pw columns of 0.0 on every side."""
    side, width = [0.0] * pw, len(plane[0]) + 2 * pw
    border = [[0.0] * width for _ in range(ph)]
    return border + [side + row + side for row in plane] + [list(line) for line in border]


def im2col(image, kernel, stride, padding):
    """image (C, H, W) -> rows (H' W', C KH KW): row i W' + j is the window under output (i, j), in order (c, a, e).

    Entry (c, a, e) of row i W' + j is the padded image's [c][i sh + a][j sw + e]. Built a column at a time: column
    (c, a, e) gathers, for every window, the pixel at that place, one strided slice per output row; zip turns the
    columns into the rows.
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    planes = [padded(plane, ph, pw) for plane in image]
    rows_out, cols_out = output_size(len(image[0]), kh, sh, ph), output_size(len(image[0][0]), kw, sw, pw)
    span = sw * (cols_out - 1) + 1  # the slice [e:e + span:sw] of a padded row holds the W' windows' column e
    columns = [[v for i in range(rows_out) for v in plane[i * sh + a][e:e + span:sw]]
               for plane in planes for a in range(kh) for e in range(kw)]
    return [list(window) for window in zip(*columns)]


def col2im(rows, dims, kernel, stride, padding):
    """rows (H' W', C KH KW) -> (C, H, W): each row added back onto the window it was read from, the padding cut off.

    The adjoint of im2col: entry [c][h][w] is the sum of every row entry that im2col read from x[c][h][w]. Added a
    column at a time: column (c, a, e), cut into the H' output rows, goes onto the strided slices it came from.
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    channels, height, width = dims
    cols_out = output_size(width, kw, sw, pw)
    span = sw * (cols_out - 1) + 1
    planes = [[[0.0] * (width + 2 * pw) for _ in range(height + 2 * ph)] for _ in range(channels)]
    places = [(plane, a, e) for plane in planes for a in range(kh) for e in range(kw)]  # in the order of a row
    for (plane, a, e), column in zip(places, zip(*rows)):
        for i, start in enumerate(range(0, len(column), cols_out)):
            line = plane[i * sh + a]
            line[e:e + span:sw] = map(add, line[e:e + span:sw], column[start:start + cols_out])
    return [[line[pw:pw + width] for line in plane[ph:ph + height]] for plane in planes]


def dot_rows(a, b):
    """a (M, K), b (P, K) -> (M, P): entry [m][p] = a[m] . b[p] = sum(map(mul, a[m], b[p])); the product a . b^T."""
    return [[sum(map(mul, a_row, b_row)) for b_row in b] for a_row in a]
