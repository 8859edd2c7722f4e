"""Invariants of MaxPool2D (specs/max_pool2d.md), on top of every layer's rules.

The windows are built here from the spec's definition; the layers come from the class itself, subject.implementation
(kernel_size, stride), at windows and strides drawn by checks/strategies.py (overlapping, side by side, apart).
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks import nested, strategies
from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import distinct_images, nonzero_like, overlapping_windows, pooling_windows, tied_images

SIDE = 4  # the largest H and W tried: windows of up to 3 x 3 fit, and overlap, at 3 and 4


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def windows(shape, kernel_size, stride):
    """{(n, c, i, j): the row-major list of the indices (n, c, r, s) of x that window (i, j) covers}."""
    (n, c, h, w), (kh, kw) = shape, pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    return {(a, b, i, j): [(a, b, i * sh + p, j * sw + q) for p in range(kh) for q in range(kw)]
            for a in range(n) for b in range(c) for i in range((h - kh) // sh + 1) for j in range((w - kw) // sw + 1)}


def pooled(x, found, reduce):
    """y (N, C, H', W') with y[n][c][i][j] = reduce(the entries of window (n, c, i, j))."""
    out_h, out_w = 1 + max(k[2] for k in found), 1 + max(k[3] for k in found)
    return [[[[reduce([nested.read(x, r) for r in found[(a, b, i, j)]]) for j in range(out_w)] for i in range(out_h)]
             for b in range(len(x[0]))] for a in range(len(x))]


def scattered(x, dy, found, share):
    """dx (N, C, H, W) = the sum, over windows k, of share(k, its entries) sent to their indices: {index: amount}."""
    dx = nested.apply(lambda v: 0.0, x)
    for k, where in found.items():
        for index, amount in share(nested.read(dy, k), [nested.read(x, r) for r in where], where).items():
            nested.write(dx, index, nested.read(dx, index) + amount)
    return dx


def to_first_maximum(g, values, where):
    """The window's dy, all of it, to its first maximum in row-major order."""
    return {where[values.index(max(values))]: g}


@st.composite
def pooling_cases(draw, tied=False, distinct=False, overlapping=False):
    """(kernel_size, stride, x) with x (N, C, H, W) large enough for the window: moderate, tied or distinct entries."""
    kernel_size, stride = draw(overlapping_windows() if overlapping else pooling_windows())
    side = max(pair(kernel_size))
    images = distinct_images if distinct else tied_images if tied else strategies.images
    x = draw(images(min_side=side, max_side=SIDE))
    return kernel_size, stride, x


def made(subject, kernel_size, stride):
    return subject.implementation(kernel_size) if stride is None else subject.implementation(kernel_size, stride)


def through(subject, kernel_size, stride, x, draw):
    """(dy, dx): a new layer of the window and stride, its forward at x, its backward at a dy with no zero entry
    (each of magnitude 0.5 to 5: a window whose dy is lost cannot hide)."""
    layer = made(subject, kernel_size, stride)
    dy = draw(nonzero_like(layer.forward(x)))
    return dy, layer.backward(dy)


def require_sum_of_dy(dx, dy, what):
    """dx sums to the sum of dy, to rounding: each window passes its dy on once."""
    total, want = math.fsum(nested.flatten(dx)), math.fsum(nested.flatten(dy))
    require(abs(total - want) <= 1e-9 * (1 + len(nested.flatten(dx))) * (1 + abs(want)),
            f"{what}dx sums to {total!r} and dy to {want!r}: each window passes its dy on once")


def output_is_the_maximum_of_each_window(subject):
    """y[n][c][i][j] is the largest entry of the window of x at (i SH, j SW); stride None means the kernel size."""

    @given(pooling_cases())
    def holds(case):
        kernel_size, stride, x = case
        want = pooled(x, windows(nested.shape(x), kernel_size, stride), max)
        require_close(made(subject, kernel_size, stride).forward(x), want,
                      f"with kernel_size = {kernel_size!r}, stride = {stride!r} (None: the kernel size), y", 0.0)

    holds()


def each_window_sends_its_dy_to_its_maximum_alone(subject):
    """With windows side by side and no ties, each window of dx has exactly one nonzero entry, dy at its maximum, and
    dx sums to the sum of dy."""

    @given(pooling_cases(distinct=True), st.data())
    def holds(case, data):
        kernel_size, _, x = case
        dy, dx = through(subject, kernel_size, None, x, data.draw)
        for k, where in windows(nested.shape(x), kernel_size, None).items():
            values = [nested.read(x, r) for r in where]
            nonzero = [r for r in where if nested.read(dx, r) != 0.0]
            winner = where[values.index(max(values))]
            require(nonzero == [winner],
                    f"window {list(k)} (kernel_size {kernel_size!r}) has nonzero dx at {nonzero}; it must have one, "
                    f"at its maximum {list(winner)}, which receives dy{nested.where(k)}")
            require_close(nested.read(dx, winner), nested.read(dy, k), f"dx at the maximum of window {list(k)}", 1e-12)
        require_sum_of_dy(dx, dy, "")

    holds()


def overlapping_windows_add_their_gradients(subject):
    """An entry that is the maximum of several windows receives the sum of their dy (dx += dy, not dx = dy)."""

    @given(pooling_cases(distinct=True, overlapping=True), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        dy, dx = through(subject, kernel_size, stride, x, data.draw)
        want = scattered(x, dy, windows(nested.shape(x), kernel_size, stride), to_first_maximum)
        require_close(dx, want, f"with kernel_size = {kernel_size!r}, stride = {stride!r}, an entry "
                      "that wins several windows must receive the sum of their dy (+=, not =); dx", 1e-12)

    holds()


def each_window_passes_its_dy_on_once(subject):
    """Ties included, dx sums to the sum of dy: each window passes its dy on once, to its maximum (shared among tied
    maxima in whatever way, the whole of it and no more), and entries that win no window get 0."""

    @given(pooling_cases(tied=True), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        dy, dx = through(subject, kernel_size, stride, x, data.draw)
        require_sum_of_dy(dx, dy, f"(is dy sent to every tied maximum?) with kernel_size = {kernel_size!r}, "
                                  f"stride = {stride!r}, ")
        winners = {r for where in windows(nested.shape(x), kernel_size, stride).values()
                   for r in where if nested.read(x, r) == max(nested.read(x, q) for q in where)}
        for index in nested.indices(x):
            require(index in winners or nested.read(dx, index) == 0.0,
                    f"dx{nested.where(index)} = {nested.read(dx, index)!r}, but x{nested.where(index)} is the maximum "
                    "of no window: it must get 0")

    holds()


def a_tie_sends_dy_to_the_first_maximum_alone(subject):
    """At a tie, all of a window's dy goes to the first maximum of the window in row-major order (PyTorch's choice),
    none to the other tied entries. Any split among them is a subgradient; this is the spec's convention."""

    @given(pooling_cases(tied=True), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        dy, dx = through(subject, kernel_size, stride, x, data.draw)
        require_close(dx, scattered(x, dy, windows(nested.shape(x), kernel_size, stride), to_first_maximum),
                      f"with kernel_size = {kernel_size!r}, stride = {stride!r}, the spec sends a window's dy to the "
                      "first of its tied maxima in row-major order and to no other; dx", 1e-12)

    holds()


PROPERTIES = [*EVERY_LAYER, output_is_the_maximum_of_each_window, each_window_sends_its_dy_to_its_maximum_alone,
              overlapping_windows_add_their_gradients, each_window_passes_its_dy_on_once,
              a_tie_sends_dy_to_the_first_maximum_alone]
