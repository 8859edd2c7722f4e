"""Shuffled mini-batches of row indices (specs/minibatches.md)."""


def minibatches(n, batch_size, rng):
    """Indices 0..n-1 in an order drawn from rng, cut into batches of batch_size (the last may be smaller).

    batch_size >= n gives one batch holding every row: batch gradient descent.
    """
    order = list(range(n))
    rng.shuffle(order)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
