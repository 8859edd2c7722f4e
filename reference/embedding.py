"""Embedding: a table of learned vectors, one row per integer id (specs/embedding.md)."""
import random


class Embedding:
    """y[n][t] = W[ids[n][t]]: ids (N,) or (N, T) of integers in [0, V) -> y (N, dim) or (N, T, dim); W (V, dim).

    W starts as draws of random.Random(seed).gauss(0, 1), row by row (PyTorch's nn.Embedding draws N(0, 1)).
    """

    def __init__(self, n_vocab, dim, seed=0):
        rng = random.Random(seed)
        self.n_vocab = n_vocab
        self.params = {"W": [[rng.gauss(0.0, 1.0) for _ in range(dim)] for _ in range(n_vocab)]}
        self.grads = {"W": [[0.0] * dim for _ in range(n_vocab)]}
        self.ids = None  # the ids of the latest forward: backward adds dy into their rows

    def forward(self, ids):
        """ids (N,) or (N, T) -> y (N, dim) or (N, T, dim): a new copy of row W[v] for every id v."""
        check_ids(ids, self.n_vocab)
        self.ids = ids
        return looked_up(ids, self.params["W"])

    def backward(self, dy):
        """dy (N, dim) or (N, T, dim) -> dx: zeros of the ids' shape (an index has no derivative)."""
        W = self.params["W"]
        dW = [[0.0] * len(row) for row in W]
        for v, dy_row in id_positions(self.ids, dy):
            for j, g in enumerate(dy_row):
                dW[v][j] += g  # dL/dW[v] = sum of dy over the positions whose id is v   (V, dim)
        self.grads["W"] = dW
        return zeros_of_ids(self.ids)  # dL/dids = 0: ids are not differentiable   ((N,) or (N, T))


def check_ids(ids, n_vocab, where=""):
    """Raise a one-line ValueError unless every id is an int in [0, n_vocab); where is the index so far."""
    if isinstance(ids, list):
        for i, v in enumerate(ids):
            check_ids(v, n_vocab, f"{where}[{i}]")
    elif isinstance(ids, bool) or not isinstance(ids, int) or not 0 <= ids < n_vocab:
        raise ValueError(f"Embedding: every id must be an integer in [0, n_vocab) = [0, {n_vocab}), "
                         f"got {ids!r} at ids{where}")


def looked_up(ids, W):
    """ids of any rank -> the rows W[v], as new lists, nested as the ids are."""
    if isinstance(ids, list):
        return [looked_up(v, W) for v in ids]
    return list(W[ids])


def id_positions(ids, dy):
    """(id, dy row) for every position of ids, in row-major order."""
    if isinstance(ids, list):
        return [pair for v, g in zip(ids, dy) for pair in id_positions(v, g)]
    return [(ids, dy)]


def zeros_of_ids(ids):
    """0.0 in place of every id, nested as the ids are."""
    return [zeros_of_ids(v) for v in ids] if isinstance(ids, list) else 0.0
