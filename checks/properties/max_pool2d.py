"""Invariants of MaxPool2D (specs/max_pool2d.md), on top of every layer's rules.

The windows are built here from the spec's definition; the layers come from the class itself, subject.implementation
(kernel_size, stride), at windows and strides drawn by checks/strategies.py (overlapping, side by side, apart).
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, upstream
from checks.strategies import distinct_images, images, overlapping_windows, pooling_windows, signed, tensors

TIED = st.sampled_from([-1.0, 0.0, 2.0])  # entries that repeat, so windows hold ties


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
def pooling_cases(draw, entries=None, distinct=False, overlapping=False):
    """(kernel_size, stride, x) with x (N, C, H, W) large enough for the window."""
    kernel_size, stride = draw(overlapping_windows() if overlapping else pooling_windows())
    side = max(pair(kernel_size))
    x = draw(distinct_images(min_side=side) if distinct else images(elements=entries, min_side=side))
    return kernel_size, stride, x


def nonzero_upstream(draw, y):
    """dy of y's shape with no zero entry, each of magnitude 0.5 to 5: a window whose dy is lost cannot hide."""
    return draw(tensors(nested.shape(y), signed(0.5, 5.0)))


def made(subject, kernel_size, stride):
    return subject.implementation(kernel_size) if stride is None else subject.implementation(kernel_size, stride)


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
        layer = made(subject, kernel_size, None)
        dy = nonzero_upstream(data.draw, layer.forward(x))
        dx = layer.backward(dy)
        for k, where in windows(nested.shape(x), kernel_size, None).items():
            values = [nested.read(x, r) for r in where]
            nonzero = [r for r in where if nested.read(dx, r) != 0.0]
            winner = where[values.index(max(values))]
            require(nonzero == [winner],
                    f"window {list(k)} (kernel_size {kernel_size!r}) has nonzero dx at {nonzero}; it must have one, "
                    f"at its maximum {list(winner)}, which receives dy{nested.where(k)}")
            require_close(nested.read(dx, winner), nested.read(dy, k), f"dx at the maximum of window {list(k)}", 1e-12)
        require(abs(math.fsum(nested.flatten(dx)) - math.fsum(nested.flatten(dy))) <= 1e-9 * (1 + len(nested.flatten(dx))),
                "dx must sum to the sum of dy: each window passes its dy on once")

    holds()


def overlapping_windows_add_their_gradients(subject):
    """An entry that is the maximum of several windows receives the sum of their dy (dx += dy, not dx = dy)."""

    @given(pooling_cases(distinct=True, overlapping=True), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        layer = made(subject, kernel_size, stride)
        dy = nonzero_upstream(data.draw, layer.forward(x))
        want = scattered(x, dy, windows(nested.shape(x), kernel_size, stride), to_first_maximum)
        require_close(layer.backward(dy), want, f"with kernel_size = {kernel_size!r}, stride = {stride!r}, an entry "
                      "that wins several windows must receive the sum of their dy (+=, not =); dx", 1e-12)

    holds()


def a_tie_sends_dy_to_the_first_maximum_alone(subject):
    """At a tie, all of a window's dy goes to the first maximum of the window in row-major order, and none to the
    other tied entries; dx sums to the sum of dy."""

    @given(pooling_cases(TIED), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        layer = made(subject, kernel_size, stride)
        dy = nonzero_upstream(data.draw, layer.forward(x))
        dx = layer.backward(dy)
        total, want = math.fsum(nested.flatten(dx)), math.fsum(nested.flatten(dy))
        require(abs(total - want) <= 1e-9 * (1 + len(nested.flatten(dx))) * (1 + abs(want)),
                f"dx sums to {total!r} and dy to {want!r}: each window passes its dy on once (is dy sent to every "
                "tied maximum?)")
        require_close(dx, scattered(x, dy, windows(nested.shape(x), kernel_size, stride), to_first_maximum),
                      f"with kernel_size = {kernel_size!r}, stride = {stride!r}, a window's dy goes to the first of its "
                      "tied maxima in row-major order and to no other (is it sent to every tied maximum?); dx", 1e-12)

    holds()


PROPERTIES = [*EVERY_LAYER, output_is_the_maximum_of_each_window, each_window_sends_its_dy_to_its_maximum_alone,
              overlapping_windows_add_their_gradients, a_tie_sends_dy_to_the_first_maximum_alone]
