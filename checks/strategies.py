"""Hypothesis strategies for the property suites, named and bounded in one place.

Valid inputs are built, never filtered. Profiles: "check" for make check
(derandomized, so a run is repeatable), "test" for make test and "mutation"
for mutation runs (fewer examples: make check already searches reference with
the full profile; the tests prove each check fails on planted bugs), and
"thorough" for a deeper search by hand (shrinking on).
The environment variable CHECKS_PROFILE picks one; "check" is the default.
"""
import math
import os
import random

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from checks import nested


QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]  # inputs are small already; shrinking a failure cost seconds
settings.register_profile("check", max_examples=40, derandomize=True, database=None, phases=NO_SHRINK,
                          deadline=None, suppress_health_check=QUIET, print_blob=False,
                          report_multiple_bugs=False)
settings.register_profile("test", max_examples=12, derandomize=True, database=None, phases=NO_SHRINK,
                          deadline=None, suppress_health_check=QUIET, print_blob=False,
                          report_multiple_bugs=False)
settings.register_profile("mutation", max_examples=12, derandomize=True, database=None, phases=NO_SHRINK,
                          deadline=None, suppress_health_check=QUIET, print_blob=False,
                          report_multiple_bugs=False)
settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=QUIET)
settings.load_profile(os.environ.get("CHECKS_PROFILE", "check"))

MAX_ROWS = 4
MAX_COLUMNS = 4
MODERATE = 10.0  # inputs where every component is well inside its smooth, unsaturated range
EXTREME = 1e4  # the largest magnitude the protocol promises to handle


def values(low=-MODERATE, high=MODERATE):
    """Finite floats in [low, high]."""
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def matrices(rows, columns, elements=None):
    """(rows, columns) matrices of the given elements (default: moderate values)."""
    return tensors((rows, columns), elements)


def sizes(low=1, high=MAX_ROWS):
    return st.integers(min_value=low, max_value=high)


@st.composite
def batches(draw, columns=None, elements=None, min_rows=1):
    """x (N, D): N in [min_rows, 4] rows; D in [1, 4] columns unless given."""
    n = draw(sizes(min_rows))
    d = draw(sizes()) if columns is None else columns
    return draw(matrices(n, d, elements))


@st.composite
def batch_pairs(draw, columns=None, elements=None, min_rows=1):
    """Two batches (x, dy) of the same shape (N, D)."""
    n, d = draw(sizes(min_rows)), (draw(sizes()) if columns is None else columns)
    return draw(matrices(n, d, elements)), draw(matrices(n, d))


def probabilities(margin=0.0):
    """Floats in [margin, 1 - margin]."""
    return values(margin, 1.0 - margin)


def binary_targets():
    return st.sampled_from([0.0, 1.0])


@st.composite
def probability_batches(draw, margin=0.0, min_rows=1):
    """(p (N, M), t (N, M)): probabilities against 0/1 targets; M is usually 1, sometimes 2."""
    n, m = draw(sizes(min_rows)), draw(st.sampled_from([1, 1, 2]))
    return draw(matrices(n, m, probabilities(margin))), draw(matrices(n, m, binary_targets()))


@st.composite
def labelled_logits(draw, elements=None, min_rows=1):
    """(z (N, C), labels (N,)): logits with C in [2, 4] classes and one integer label per row."""
    n, c = draw(sizes(min_rows)), draw(sizes(2))
    z = draw(matrices(n, c, elements))
    labels = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    return z, labels


@st.composite
def regression_batches(draw, elements=None, min_rows=1):
    """(y_pred (N, M), y_true (N, M)) of the same shape."""
    n, m = draw(sizes(min_rows)), draw(sizes())
    return draw(matrices(n, m, elements)), draw(matrices(n, m, elements))


def scalars(low=-3.0, high=3.0):
    return values(low, high)


def positive_scalars(low=0.1, high=10.0):
    return values(low, high)


def seeds():
    return st.integers(min_value=0, max_value=2 ** 32 - 1)


SHIFT = 1e3  # the largest constant added to a row in the shift-invariance rules


def vectors(length, elements=None):
    """(length,) vectors of the given elements (default: moderate values)."""
    return st.lists(values() if elements is None else elements, min_size=length, max_size=length)


def shifts():
    """Constants added to every entry of a row: up to SHIFT in magnitude, both ends included."""
    return st.one_of(st.sampled_from([-SHIFT, SHIFT]), values(-SHIFT, SHIFT))


@st.composite
def batches_on_the_kink(draw, columns=None):
    """x (N, D) with one or more entries set exactly to 0.0 or -0.0, the kink of ReLU and LeakyReLU."""
    x = draw(batches(columns))
    cells = [(i, j) for i in range(len(x)) for j in range(len(x[0]))]
    for i, j in draw(st.lists(st.sampled_from(cells), min_size=1, max_size=len(cells), unique=True)):
        x[i][j] = draw(st.sampled_from([0.0, -0.0]))
    return x


@st.composite
def ordered_batch_pairs(draw, elements=None):
    """Two batches (x1, x2) of the same shape (N, D) with x1 <= x2 entry by entry."""
    x1 = draw(batches(elements=elements))
    steps = draw(matrices(len(x1), len(x1[0]), values(0.0, MODERATE)))
    return x1, [[v + s for v, s in zip(row, step_row)] for row, step_row in zip(x1, steps)]


@st.composite
def residual_batches(draw, low=0.5, high=5.0, min_rows=1):
    """(y_pred (N, M), y_true (N, M)) whose residuals y_pred - y_true all have magnitude in [low, high]."""
    n, m = draw(sizes(min_rows)), draw(sizes())
    y_true = draw(matrices(n, m))
    magnitudes = draw(matrices(n, m, values(low, high)))
    signs = draw(matrices(n, m, st.sampled_from([-1.0, 1.0])))
    y_pred = [[t + s * r for t, s, r in zip(*rows)] for rows in zip(y_true, signs, magnitudes)]
    return y_pred, y_true


@st.composite
def saturated_probability_batches(draw, min_rows=1):
    """(p (N, M), t (N, M)) with every p exactly 0.0 or 1.0, against 0/1 targets; M is 1 or 2."""
    n, m = draw(sizes(min_rows)), draw(st.sampled_from([1, 2]))
    return draw(matrices(n, m, binary_targets())), draw(matrices(n, m, binary_targets()))


@st.composite
def non_square_sizes(draw, high=6):
    """(n_in, n_out): two different sizes in [1, high], so a transposed matrix has the wrong shape."""
    n_in = draw(sizes(1, high))
    k = draw(sizes(1, high - 1))
    return n_in, (k if k < n_in else k + 1)


def tied_values():
    """Moderate values that often repeat exactly, so rows hold ties."""
    return st.one_of(st.sampled_from([-2.0, 0.0, 1.5, 3.0]), values())


# Optimizer inputs: named parameters of both shapes (matrices never square) and their gradients.

def signed(low, high):
    """Floats with magnitude in [low, high] and either sign: never zero, so every coordinate must move."""
    return st.tuples(st.sampled_from([-1.0, 1.0]), values(low, high)).map(lambda pair: pair[0] * pair[1])


def tensors(shape, elements=None):
    """Tensors of any rank: shape (M,) a vector, (D, M) a matrix, (N, C, H, W) ... of the given elements (default:
    moderate values)."""
    inner = values() if elements is None else elements
    for length in reversed(shape):
        inner = st.lists(inner, min_size=length, max_size=length)
    return inner


@st.composite
def shapes(draw):
    """(D, M) with D != M, or (M,): the two shapes a parameter may have."""
    return draw(non_square_sizes(4)) if draw(st.booleans()) else (draw(sizes(1, 4)),)


@st.composite
def parameter_sets(draw, low=1e-2, high=10.0, count=None):
    """(params, grads): 1 to 3 named parameters ("0.W", "1.b", ...) and gradients with |entries| in [low, high]."""
    params, grads = {}, {}
    for k in range(count or draw(sizes(1, 3))):
        shape = draw(shapes())
        name = f"{k}.{'W' if len(shape) == 2 else 'b'}"
        params[name], grads[name] = draw(tensors(shape, values())), draw(tensors(shape, signed(low, high)))
    return params, grads


@st.composite
def gradient_sequences(draw, steps=3, low=1e-2, high=10.0):
    """(params, [grads_1, ..., grads_steps]): one parameter set and a gradient for each of several steps."""
    params, first = draw(parameter_sets(low, high))
    sequence = [first]
    for _ in range(steps - 1):
        sequence.append({name: draw(tensors(nested.shape(g), signed(low, high))) for name, g in first.items()})
    return params, sequence


# Images (N, C, H, W) for the convolution family: rank-4 examples are costly, so every size stays small, and the
# pixels of ordinary images come from a seeded generator: one draw per image instead of one per pixel (drawing
# each float through hypothesis took most of a property's time). Given elements, each pixel is drawn from them.

MAX_IMAGES = 3  # N
MAX_CHANNELS = 2  # C
MAX_SIDE = 5  # H and W
SPREADS = (0.5, 3.0, MODERATE)  # the half-widths of the uniform pixels of a seeded image


@st.composite
def images(draw, channels=None, elements=None, min_side=1, max_side=MAX_SIDE, min_rows=1):
    """x (N, C, H, W): N in [min_rows, 3], C in [1, 2] unless given, H and W in [min_side, max_side] drawn apart
    (so often H != W, and a transposed plane has the wrong shape); pixels uniform in [-s, s], s drawn from SPREADS,
    from random.Random(a drawn seed), or each drawn from elements when given."""
    n = draw(sizes(min_rows, MAX_IMAGES))
    c = draw(sizes(1, MAX_CHANNELS)) if channels is None else channels
    h, w = draw(sizes(min_side, max_side)), draw(sizes(min_side, max_side))
    return draw(tensors((n, c, h, w), elements) if elements is not None else seeded_tensors((n, c, h, w)))


@st.composite
def seeded_tensors(draw, shape):
    """Tensors of the given shape, uniform in [-s, s] with s drawn from SPREADS, from random.Random(a drawn seed)."""
    rng, spread = random.Random(draw(seeds())), draw(st.sampled_from(SPREADS))
    return nested.unflatten([rng.uniform(-spread, spread) for _ in range(math.prod(shape))], shape)


# Pooling: images without ties, and the windows and strides a pooling layer is tried at.

@st.composite
def distinct_images(draw, channels=None, min_side=1, max_side=MAX_SIDE):
    """x (N, C, H, W) whose entries all differ (no ties): a ramp of step 0.5 around a drawn offset, shuffled by a
    seeded generator."""
    x = draw(images(channels, min_side=min_side, max_side=max_side))
    cells = nested.indices(x)
    offset = draw(values(-MODERATE, MODERATE))
    ramp = [offset + 0.5 * (k - len(cells) / 2) for k in range(len(cells))]
    random.Random(draw(seeds())).shuffle(ramp)
    for index, v in zip(cells, ramp):
        nested.write(x, index, v)
    return x


@st.composite
def tied_images(draw, channels=None, min_side=1, max_side=MAX_SIDE, levels=(-1.0, 0.0, 2.0)):
    """x (N, C, H, W) whose entries take a few levels only, so windows often hold ties; from a seeded generator."""
    x = draw(images(channels, min_side=min_side, max_side=max_side))
    rng = random.Random(draw(seeds()))
    return nested.apply(lambda v: rng.choice(levels), x)


@st.composite
def nonzero_like(draw, y, low=0.5, high=5.0):
    """A tensor of y's shape with entries of magnitude in [low, high] and either sign, from a seeded generator."""
    rng = random.Random(draw(seeds()))
    return nested.apply(lambda v: rng.choice((-1.0, 1.0)) * rng.uniform(low, high), y)


def pooling_windows():
    """(kernel_size, stride) of a pooling layer: int or pair; stride None (= kernel), smaller (windows overlap) or
    larger (entries left out)."""
    return st.tuples(st.sampled_from([1, 2, 3, (2, 3), (3, 1)]), st.sampled_from([None, 1, 2, (1, 2), (2, 1), 3]))


def overlapping_windows():
    """(kernel_size, stride) with the stride below the kernel size in at least one direction: windows overlap."""
    return st.tuples(st.sampled_from([2, 3, (2, 3)]), st.sampled_from([1, (1, 2), (2, 1)]))
# Sequences (N, T, D): the recurrence family's inputs (specs/protocol.md, "Any rank"). A rank-3 example costs
# N T D entries, and a recurrent layer loops over T: batches stay small (N <= 3, T <= 4, D <= 3).

MAX_SEQUENCES = 3
MAX_STEPS = 4
MAX_FEATURES = 3


@st.composite
def sequences(draw, features=None, elements=None, min_rows=1, min_steps=1, steps=None):
    """x (N, T, D): N in [min_rows, 3] sequences of T in [min_steps, 4] steps (or exactly steps) of D features,
    D in [1, 3] unless given."""
    n = draw(sizes(min_rows, MAX_SEQUENCES))
    t = steps if steps is not None else draw(sizes(min_steps, MAX_STEPS))
    d = features if features is not None else draw(sizes(1, MAX_FEATURES))
    return draw(tensors((n, t, d), elements))


@st.composite
def sequence_pairs(draw, features=None, elements=None, min_steps=1):
    """Two sequence batches (x1, x2) of the same N and D, their lengths T1 and T2 drawn apart: a prefix and what
    follows it."""
    x1 = draw(sequences(features, elements, min_steps=min_steps))
    n, d = len(x1), len(x1[0][0])
    x2 = draw(tensors((n, draw(sizes(1, MAX_STEPS)), d), elements))
    return x1, x2
# Integer inputs: batches of ids for a layer that looks rows up by id (Embedding) -------------------------------

@st.composite
def id_batches(draw, n_vocab, extreme=False):
    """ids (N,) or (N, T) of ints in [0, n_vocab), N in [1, 4], T in [1, 4]; extreme: only the ends 0 and
    n_vocab - 1, the edge of the promised range."""
    ids = st.sampled_from([0, n_vocab - 1]) if extreme else st.integers(0, n_vocab - 1)
    n = draw(sizes())
    if draw(st.booleans()):
        return draw(st.lists(ids, min_size=n, max_size=n))
    t = draw(sizes())
    return draw(st.lists(st.lists(ids, min_size=t, max_size=t), min_size=n, max_size=n))
