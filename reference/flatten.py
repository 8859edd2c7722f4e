"""Flatten each example of a batch into one row (specs/flatten.md)."""


class Flatten:
    """y[n] = the entries of x[n] in row-major order: x (N, C, H, W) -> y (N, C*H*W).

    Row-major: the last axis runs fastest, y[n][(c H + h) W + w] = x[n][c][h][w].
    Any rank from 2 up is taken ((N, D) is passed through, (N, T, D) gives (N, T*D)).
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.dims = None  # the shape of one example of the latest forward, e.g. (C, H, W)

    def forward(self, x):
        """x (N, C, H, W) -> y (N, C*H*W); keeps the shape of an example, which backward needs to rebuild dx."""
        if not isinstance(x, list) or not x or not isinstance(x[0], list):
            raise ValueError("Flatten: x must be a batch (N, ...) of N >= 1 examples, each a list, "
                             f"got {type(x).__name__ if not isinstance(x, list) or not x else 'a vector'}")
        self.dims = dims_of(x[0])
        return [flat(example) for example in x]

    def backward(self, dy):
        """dy (N, C*H*W) -> dx (N, C, H, W)."""
        size = 1
        for d in self.dims:
            size *= d
        if any(len(row) != size for row in dy):
            raise ValueError(f"Flatten: each row of dy must have the {size} entries of a flattened example "
                             f"{self.dims}, got rows of {sorted({len(row) for row in dy})}")
        return [unflat(row, self.dims) for row in dy]  # dL/dx = dy, each row put back in the shape of x[n]


def dims_of(a):
    """A nested list -> its shape as a tuple, read along the first entries: [[1, 2, 3]] -> (1, 3)."""
    found = []
    while isinstance(a, list):
        found.append(len(a))
        a = a[0] if a else None
    return tuple(found)


def flat(a):
    """A nested list (d1, ..., dk) -> its entries in row-major order, a new list (d1 * ... * dk,)."""
    a = list(a)
    while a and isinstance(a[0], list):
        a = [v for part in a for v in part]  # one axis fewer: the parts joined in order
    return a


def unflat(v, dims):
    """Entries (d1 * ... * dk,) in row-major order -> new nested lists of shape dims = (d1, ..., dk); flat's inverse."""
    v = list(v)
    for d in reversed(dims[1:]):
        v = [v[i:i + d] for i in range(0, len(v), d)]  # the last axis first: each run of d entries becomes a list
    return v


def example_rows(x):
    """A batch x (N, D) -> (x, None); a batch of higher rank (N, ...) -> (its rows (N, D'), each example's entries in
    row-major order as Flatten lays them out, and the shape of one example): how an elementwise layer takes any rank."""
    if x and x[0] and isinstance(x[0][0], list):
        return [flat(example) for example in x], dims_of(x[0])
    return x, None


def as_examples(rows, dims):
    """example_rows' inverse: rows (N, D') and the shape of one example (None: each row is an example) -> the batch."""
    return rows if dims is None else [unflat(row, dims) for row in rows]
