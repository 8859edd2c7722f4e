"""Invariants of the weight initializers (reference/initializers.py).

subject.make() gives the module; each initializer is called as
init(n_in, n_out, rng) with rng a seeded random.Random, and returns W (n_in, n_out).
"""
import math
import random

from hypothesis import Phase, given, settings

from checks.properties import require
from checks.strategies import non_square_sizes, seeds

INITIALIZERS = ("xavier_uniform", "he_normal")
LARGE = (200, 100)  # (n_in, n_out) of the draw whose sample statistics are checked: 20,000 weights
LARGE_DRAWS = 4  # seeds tried for the statistics rule (each draw takes a few hundredths of a second); a failing
#                 seed is not shrunk, since a smaller seed explains nothing and each try costs a large draw


def draw(module, name, n_in, n_out, seed):
    """W (n_in, n_out) from the initializer called name, with a fresh random.Random(seed)."""
    return getattr(module, name)(n_in, n_out, random.Random(seed))


def weights_have_shape_n_in_by_n_out(subject):
    """Each initializer returns n_in rows of n_out floats, for sizes where n_in != n_out."""

    @given(non_square_sizes(), seeds())
    def holds(size, seed):
        n_in, n_out = size
        for name in INITIALIZERS:
            w = draw(subject.make(), name, n_in, n_out, seed)
            found = f"{len(w)} rows of lengths {[len(row) for row in w]}" if isinstance(w, list) else type(w).__name__
            require(isinstance(w, list) and len(w) == n_in and all(len(row) == n_out for row in w),
                    f"{name}({n_in}, {n_out}, rng) should return W of shape (n_in, n_out) = ({n_in}, {n_out}): "
                    f"{n_in} rows of {n_out} floats; got {found}")
            require(all(isinstance(v, float) for row in w for v in row), f"{name}({n_in}, {n_out}, rng) returned "
                                                                          "entries that are not floats")

    holds()


def xavier_weights_lie_within_the_limit(subject):
    """Every xavier_uniform weight lies in [-a, a] with a = sqrt(6 / (n_in + n_out))."""

    @given(non_square_sizes(), seeds())
    def holds(size, seed):
        n_in, n_out = size
        a = math.sqrt(6.0 / (n_in + n_out))
        for i, row in enumerate(draw(subject.make(), "xavier_uniform", n_in, n_out, seed)):
            for j, v in enumerate(row):
                require(abs(v) <= a, f"xavier_uniform({n_in}, {n_out}, rng) gave W[{i}][{j}] = {v!r}, outside "
                                     f"[-a, a] with a = sqrt(6 / (n_in + n_out)) = {a!r}")

    holds()


def the_same_seed_gives_the_same_weights(subject):
    """A fresh random.Random(seed) gives the same W every time, and random.Random(seed + 1) a different W."""

    @given(non_square_sizes(), seeds())
    def holds(size, seed):
        n_in, n_out = size
        module = subject.make()
        for name in INITIALIZERS:
            first = draw(module, name, n_in, n_out, seed)
            require(draw(module, name, n_in, n_out, seed) == first,
                    f"{name}({n_in}, {n_out}, random.Random({seed})) gave different W on a second call; "
                    "draw every number from rng, nothing from the global random module")
            require(draw(module, name, n_in, n_out, seed + 1) != first,
                    f"{name}({n_in}, {n_out}, rng) gave the same W for seeds {seed} and {seed + 1}; draw from rng")

    holds()


def the_global_random_state_is_untouched(subject):
    """Calling an initializer leaves random.getstate() as it was: randomness comes only from rng."""

    @given(non_square_sizes(), seeds())
    def holds(size, seed):
        n_in, n_out = size
        module = subject.make()
        for name in INITIALIZERS:
            before = random.getstate()
            draw(module, name, n_in, n_out, seed)
            require(random.getstate() == before, f"{name}({n_in}, {n_out}, rng) changed the global random state; "
                                                 "use rng.uniform / rng.gauss, not random.uniform / random.gauss")

    holds()


def a_large_draw_has_mean_0_and_the_right_variance(subject):
    """On a 200 x 100 draw the mean is about 0 and the variance is 2 / (n_in + n_out) (xavier) or 2 / n_in (he).

    Bounds: the mean within 0.05 sigma of 0 (7 standard errors), the variance within 10% (10 standard errors).
    """
    n_in, n_out = LARGE
    expected = {"xavier_uniform": (2.0 / (n_in + n_out), "2 / (n_in + n_out)"), "he_normal": (2.0 / n_in, "2 / n_in")}

    @settings(max_examples=min(settings().max_examples, LARGE_DRAWS), phases=[Phase.explicit, Phase.generate])
    @given(seeds())
    def holds(seed):
        for name, (variance, formula) in expected.items():
            w = [v for row in draw(subject.make(), name, n_in, n_out, seed) for v in row]
            mean = sum(w) / len(w)
            found = sum((v - mean) ** 2 for v in w) / (len(w) - 1)
            require(abs(mean) <= 0.05 * math.sqrt(variance),
                    f"{name}({n_in}, {n_out}, random.Random({seed})): the mean weight is {mean!r}, expected about 0")
            require(abs(found / variance - 1.0) <= 0.1,
                    f"{name}({n_in}, {n_out}, random.Random({seed})): the sample variance is {found!r}, expected "
                    f"{formula} = {variance!r} within 10% (is a variance used as a standard deviation?)")

    holds()


PROPERTIES = [weights_have_shape_n_in_by_n_out, xavier_weights_lie_within_the_limit,
              the_same_seed_gives_the_same_weights, the_global_random_state_is_untouched,
              a_large_draw_has_mean_0_and_the_right_variance]
