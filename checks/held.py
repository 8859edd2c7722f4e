"""Holding a stochastic layer's random draw fixed, so that the checks see one function (specs/protocol.md).

A stochastic layer owns its generator, `rng` (a random.Random), and draws
from it only in forward in training mode. A checker saves its state once,
before the first forward, and puts it back before every forward: each call
then draws the same numbers (a dropout mask), and finite differences,
repeated calls and two instances compare like for like. A training loop does
nothing of the kind, so each step draws afresh.

>>> import random
>>> class Noisy:
...     def __init__(self):
...         self.rng = random.Random(0)
...     def forward(self, x):
...         return [[v + self.rng.random() for v in row] for row in x]
>>> layer = Noisy()
>>> restore = held(layer)
>>> first = layer.forward([[0.0]])
>>> restore()
>>> layer.forward([[0.0]]) == first
True
"""


def held(layer):
    """A function that puts layer.rng back in the state it has now; it does nothing for a layer without `rng`.

    A grader's proxy answers for the submission's own generator: its getstate() returns None when the
    submission has none.
    """
    generator = getattr(layer, "rng", None)
    state = generator.getstate() if generator is not None else None
    if state is None:
        return lambda: None
    return lambda: generator.setstate(state)


def draws(layer):
    """Whether the layer draws random numbers: it owns a generator `rng` (specs/protocol.md, "Randomness")."""
    return getattr(layer, "rng", None) is not None


class Passing:
    """What a wrapper of a layer (self.obj) passes through beyond params and grads: its mode, its generator, and
    whether its rows are independent (specs/protocol.md)."""

    @property
    def training(self):
        return self.obj.training

    @training.setter
    def training(self, value):
        self.obj.training = value

    @property
    def rng(self):
        return getattr(self.obj, "rng", None)

    @property
    def rows_independent(self):
        return getattr(self.obj, "rows_independent", True)
