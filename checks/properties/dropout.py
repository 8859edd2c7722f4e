"""Invariants of Dropout (specs/dropout.md), in both modes, on top of every layer's rules.

Every layer's rules are checked with the random draw held fixed (specs/protocol.md, "Randomness"):
the layer's rng is put back to its first state before each forward, so forward is one function of x.
Permuting the batch is left out: a held mask stays with the positions, not with the rows.
The rules of this suite build their own layers, Dropout(p, seed), with p drawn.
"""
import dataclasses
import random

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import batches, matrices, sizes, values

RATES = st.sampled_from([0.0, 0.2, 0.5, 0.8])  # p, the probability of dropping an entry; 0 keeps every entry
SEEDS = st.integers(min_value=0, max_value=2 ** 16)
NONZERO = st.one_of(values(0.1, 10.0), values(-10.0, -0.1))  # entries whose ratio y / x shows the mask


class Held:
    """A layer whose rng is set back to its first state before every forward: the same x gives the same y."""

    def __init__(self, layer):
        self.layer, self.state = layer, layer.rng.getstate()

    params = property(lambda self: self.layer.params)
    grads = property(lambda self: self.layer.grads)

    def forward(self, x):
        self.layer.rng.setstate(self.state)
        return self.layer.forward(x)

    def backward(self, dy):
        return self.layer.backward(dy)


def holding_the_draw(prop):
    """prop checked on layers whose random draw is held fixed, under its own name and rule."""

    def held(subject):
        prop(dataclasses.replace(subject, make=lambda: Held(subject.make())))

    held.__name__, held.__doc__ = prop.__name__, prop.__doc__
    return held


def expected(x, p, seed):
    """The spec's training output for x of any rank: u = random.Random(seed).random() per entry in row-major
    order; 0 if u < p, else x / (1 - p)."""
    rng = random.Random(seed)

    def masked(value):
        if isinstance(value, list):
            return [masked(v) for v in value]
        return 0.0 if rng.random() < p else value / (1.0 - p)

    return masked(x)


def evaluation_is_the_identity(subject):
    """In evaluation (training = False), y = x and dx = dy exactly, whatever p."""

    @given(batches(), RATES, SEEDS, st.data())
    def holds(x, p, seed, data):
        layer = subject.implementation(p, seed)
        layer.training = False
        require_close(layer.forward(x), x, f"Dropout({p}) in evaluation must return x unchanged (no mask, no "
                                           "scaling); y", 0.0)
        dy = data.draw(matrices(len(x), len(x[0])))
        require_close(layer.backward(dy), dy, f"Dropout({p}) in evaluation must pass dy through unchanged; dx", 0.0)

    holds()


def kept_entries_are_scaled_by_1_over_1_minus_p(subject):
    """In training, every output entry is 0 (dropped) or x / (1 - p) (kept): inverted dropout, never x * p."""

    @given(batches(elements=NONZERO), RATES, SEEDS)
    def holds(x, p, seed):
        y = subject.implementation(p, seed).forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, (v, out) in enumerate(zip(x_row, y_row)):
                require(out == 0.0 or abs(out - v / (1.0 - p)) <= 1e-12 * abs(v / (1.0 - p)),
                        f"Dropout({p}) in training gave y[{i}][{j}] = {out!r} for x = {v!r}; a kept entry must be "
                        f"x / (1 - p) = {v / (1.0 - p)!r} and a dropped one 0 (scaled by p instead of 1 / (1 - p)?)")

    holds()


def the_mask_follows_the_spec_draw(subject):
    """In training, entry (i, j) is dropped exactly when u < p, u = rng.random() drawn entry by entry in row-major
    order from random.Random(seed)."""

    @given(batches(elements=NONZERO), RATES, SEEDS)
    def holds(x, p, seed):
        require_close(subject.implementation(p, seed).forward(x), expected(x, p, seed),
                      f"Dropout({p}, seed={seed}) in training must drop an entry exactly when rng.random() < p, "
                      "one draw per entry in row-major order; y", 1e-12)

    holds()


def backward_uses_the_mask_of_forward(subject):
    """In training, dx = dy * m / (1 - p) with the mask m of the latest forward: dx_ij = dy_ij * y_ij / x_ij."""

    @given(batches(elements=NONZERO), RATES, SEEDS, st.data())
    def holds(x, p, seed, data):
        layer = subject.implementation(p, seed)
        y = layer.forward(x)
        dy = data.draw(matrices(len(x), len(x[0])))
        scaled = [[g * out / v for g, out, v in zip(*rows)] for rows in zip(dy, y, x)]
        require_close(layer.backward(dy), scaled, "backward must use the mask forward drew (and the same 1 / (1 - p)); "
                                                  "dx", 1e-12)

    holds()


def each_training_forward_draws_a_fresh_mask(subject):
    """Two training forwards on the same x draw two masks from the layer's rng (not one mask kept for ever), and
    the global random state plays no part."""

    @given(SEEDS, st.integers(min_value=0, max_value=1000))
    def holds(seed, other):
        x = [[1.0] * 8 for _ in range(4)]  # 32 entries: two independent masks agree with probability 2^-32
        layer = subject.implementation(0.5, seed)
        first = layer.forward(x)
        require(layer.forward(x) != first, "two training forwards on the same x gave the same mask; draw a new mask "
                                           "from self.rng at every forward in training mode")
        random.seed(other)
        require_close(subject.implementation(0.5, seed).forward(x), first,
                      "the mask changed with the global random state; draw from self.rng = random.Random(seed) "
                      "only; y", 0.0)

    holds()


def works_on_inputs_of_any_rank(subject):
    """x (N, T, D) or (N, C, H, W) gives y of the same shape: the spec's mask in training, x in evaluation."""

    @given(st.lists(sizes(1, 3), min_size=3, max_size=4), RATES, SEEDS, st.data())
    def holds(shape, p, seed, data):
        x = data.draw(nested(shape))
        require_close(subject.implementation(p, seed).forward(x), expected(x, p, seed),
                      f"Dropout({p}) in training on x of shape {tuple(shape)}, masked in row-major order; y", 1e-12)
        layer = subject.implementation(p, seed)
        layer.training = False
        require_close(layer.forward(x), x, f"Dropout in evaluation on x of shape {tuple(shape)}; y", 0.0)

    holds()


def nested(shape):
    """Nested lists of the given shape, of nonzero values."""
    inner = NONZERO
    for size in reversed(shape):
        inner = st.lists(inner, min_size=size, max_size=size)
    return inner


SAME_POSITIONS = {"permuting_the_batch_permutes_the_output"}  # a held mask stays in place while the rows move

PROPERTIES = [*(holding_the_draw(p) for p in EVERY_LAYER if p.__name__ not in SAME_POSITIONS),
              evaluation_is_the_identity, kept_entries_are_scaled_by_1_over_1_minus_p, the_mask_follows_the_spec_draw,
              backward_uses_the_mask_of_forward,
              each_training_forward_draws_a_fresh_mask, works_on_inputs_of_any_rank]
