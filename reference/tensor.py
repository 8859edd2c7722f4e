"""Nested-list helpers shared by the components (specs/tensor.md).

A matrix is a list of rows, (N, D) meaning N rows of D floats; a vector is a
flat list. Every helper returns new lists and leaves its arguments alone.
"""
from operator import mul


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
