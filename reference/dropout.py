"""Inverted dropout (specs/dropout.md)."""
import random


class Dropout:
    """y = x * m / (1 - p) in training, y = x in evaluation: x (N, ...) -> y (N, ...), any rank.

    m is a fresh 0/1 mask of the shape of x, drawn from self.rng in each training
    forward: for each entry in row-major order, u = rng.random(); m = 0 when u < p.
    """

    def __init__(self, p=0.5, seed=0):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p is the probability of dropping an entry and must satisfy 0 <= p < 1, got {p!r}")
        self.p = p
        self.rng = random.Random(seed)
        self.training = True
        self.params = {}
        self.grads = {}
        self.scale = None  # m / (1 - p) of the latest forward, or None after a forward in evaluation

    def forward(self, x):
        """x (N, ...) -> y (N, ...); keeps the scaled mask m / (1 - p), which the derivative needs."""
        self.scale = self.draw(x) if self.training else None
        return times(x, self.scale)

    def draw(self, x):
        """The scaled mask of x's shape: 0.0 where an entry is dropped (u < p), 1 / (1 - p) where it is kept."""
        if isinstance(x, list):
            return [self.draw(v) for v in x]
        return 0.0 if self.rng.random() < self.p else 1.0 / (1.0 - self.p)

    def backward(self, dy):
        """dy (N, ...) -> dx (N, ...)."""
        return times(dy, self.scale)  # dL/dx = dy * m / (1 - p)   (training);   dL/dx = dy   (evaluation)


def times(a, scale):
    """a * scale entry by entry, as new lists of a's shape (scale None: a copy of a)."""
    if isinstance(a, list):
        return [times(v, s) for v, s in zip(a, [None] * len(a) if scale is None else scale)]
    return a if scale is None else a * scale
