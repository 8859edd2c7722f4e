"""Invariants of AvgPool2D (specs/avg_pool2d.md), on top of every layer's rules.

The windows are MaxPool2D's (checks/properties/max_pool2d.py); the layers come from the class itself,
subject.implementation(kernel_size, stride), at windows and strides drawn by checks/strategies.py.
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require_close
from checks.properties.layers import EVERY_LAYER, upstream
from checks.properties.max_pool2d import made, pair, pooled, pooling_cases, scattered, windows


def mean(values):
    return math.fsum(values) / len(values)


def spread_evenly(g, values, where):
    """The window's dy shared equally by its KH KW entries."""
    return {index: g / len(where) for index in where}


def output_is_the_mean_of_each_window(subject):
    """y[n][c][i][j] is the mean of the KH KW entries of the window of x at (i SH, j SW): their sum divided by
    KH KW."""

    @given(pooling_cases())
    def holds(case):
        kernel_size, stride, x = case
        kh, kw = pair(kernel_size)
        require_close(made(subject, kernel_size, stride).forward(x),
                      pooled(x, windows(nested.shape(x), kernel_size, stride), mean),
                      f"with kernel_size = {kernel_size!r}, stride = {stride!r} (None: the kernel size), y must be "
                      f"the mean of each window, its sum divided by KH KW = {kh * kw}; y", 1e-12)

    holds()


def dx_is_dy_spread_evenly_over_each_window(subject):
    """dx = the sum, over the windows that hold an entry, of dy / (KH KW): each window shares its dy equally, and
    where windows overlap the shares add."""

    @given(pooling_cases(), st.data())
    def holds(case, data):
        kernel_size, stride, x = case
        kh, kw = pair(kernel_size)
        layer = made(subject, kernel_size, stride)
        dy = upstream(data.draw, layer.forward(x))
        want = scattered(x, dy, windows(nested.shape(x), kernel_size, stride), spread_evenly)
        require_close(layer.backward(dy), want, f"with kernel_size = {kernel_size!r}, stride = {stride!r}, each "
                      f"window's dy must be spread evenly, dy / (KH KW) = dy / {kh * kw} to each of its entries, the "
                      "shares of overlapping windows added (+=, not =); dx", 1e-12)

    holds()


PROPERTIES = [*EVERY_LAYER, output_is_the_mean_of_each_window, dx_is_dy_spread_evenly_over_each_window]
