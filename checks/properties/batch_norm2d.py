"""Invariants of BatchNorm2D (specs/batch_norm2d.md), in both modes, on top of every layer's rules.

BatchNorm's rules (checks/properties/batch_norm.py) with a channel's N H W entries in place of a column's N rows.
The layers come from subject.make(): C channels as its inputs have, gamma and beta seeded away from 1 and 0.
"""
import math

from hypothesis import given
from hypothesis import strategies as st


from checks.properties import require_close
from checks.properties.batch_norm import EPS, MOMENTUM, mean, require_sums_of_0, variance
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, upstream
from checks.strategies import scalars


def channels_of(x):
    """x (N, C, H, W) -> C lists of the N H W entries of each channel, in the order (n, h, w)."""
    return [[v for image in x for row in image[c] for v in row] for c in range(len(x[0]))]


def per_channel(x, f):
    """A new (N, C, H, W) tensor with f(c, v) at every entry v of channel c."""
    return [[[[f(c, v) for v in row] for row in channel] for c, channel in enumerate(image)] for image in x]


def training_normalizes_each_channel_over_the_images_and_the_pixels(subject):
    """In training, y = gamma_c (x - mu_c) / sqrt(var_c + eps) + beta_c, mu_c and var_c the mean and the biased
    variance of channel c over its N H W entries: each output channel has mean beta_c and variance about gamma_c^2."""

    @given(subject.inputs)
    def holds(x):
        layer = subject.make()
        gamma, beta = layer.params["gamma"], layer.params["beta"]
        stats = [(mean(v), variance(v)) for v in channels_of(x)]
        want = per_channel(x, lambda c, v: gamma[c] * (v - stats[c][0]) / math.sqrt(stats[c][1] + EPS) + beta[c])
        require_close(layer.forward(x), want, "in training BatchNorm2D must normalize each channel with its mean and "
                      "biased variance over the images and the pixels, (N, H, W), then scale by gamma and shift by "
                      "beta; y", 1e-9)

    holds()


def running_statistics_follow_the_momentum_rule(subject):
    """Each training forward sets running = (1 - momentum) running + momentum batch per channel, from running_mean = 0
    and running_var = 1, with the unbiased variance over the channel's N H W entries for running_var."""

    @given(st.lists(subject.inputs, min_size=1, max_size=3))
    def holds(xs):
        layer = subject.make()
        mu, var = [0.0] * len(xs[0][0]), [1.0] * len(xs[0][0])
        for x in xs:
            layer.forward(x)
            channels = channels_of(x)
            m = len(channels[0])
            mu = [(1 - MOMENTUM) * r + MOMENTUM * mean(v) for r, v in zip(mu, channels)]
            var = [(1 - MOMENTUM) * r + MOMENTUM * variance(v) * m / (m - 1) for r, v in zip(var, channels)]
        rule = "running = (1 - momentum) running + momentum batch, over each channel's N H W entries"
        require_close(layer.running_mean, mu, f"after {len(xs)} training forward(s) ({rule}), running_mean", 1e-9)
        require_close(layer.running_var, var, f"after {len(xs)} training forward(s) ({rule}, with the unbiased "
                                              "variance var NHW / (NHW - 1)), running_var", 1e-9)

    holds()


def evaluation_uses_the_running_statistics(subject):
    """In evaluation, y = gamma_c (x - running_mean_c) / sqrt(running_var_c + eps) + beta_c and dx = dy gamma_c /
    sqrt(running_var_c + eps); the running statistics stay as they are."""

    @given(subject.inputs, subject.inputs, st.data())
    def holds(x_train, x, data):
        layer = subject.make()
        layer.forward(x_train)
        mu, var = list(layer.running_mean), list(layer.running_var)
        gamma, beta = layer.params["gamma"], layer.params["beta"]
        want = per_channel(x, lambda c, v: gamma[c] * (v - mu[c]) / math.sqrt(var[c] + EPS) + beta[c])
        layer.training = False
        require_close(layer.forward(x), want, "in evaluation BatchNorm2D must normalize each channel with "
                                              "running_mean and running_var, not the batch's statistics (are batch "
                                              "statistics still applied in evaluation?); y", 1e-9)
        dy = upstream(data.draw, want)
        require_close(layer.backward(dy), per_channel(dy, lambda c, g: g * gamma[c] / math.sqrt(var[c] + EPS)),
                      "in evaluation the statistics are constants, so dx = dy gamma / sqrt(running_var + eps); dx",
                      1e-9)
        require_close([layer.running_mean, layer.running_var], [mu, var],
                      "a forward in evaluation must leave [running_mean, running_var] unchanged; they became", 0.0)

    holds()


def training_dx_sums_to_zero_in_every_channel(subject):
    """In training, dx sums to 0 over the N H W entries of every channel, for every dy: the path through the
    channel's mean takes out what moves the whole channel."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require_sums_of_0(channels_of(layer.backward(upstream(data.draw, y))), "channel", "channel's")

    holds()


def shifting_a_channel_leaves_the_training_output_unchanged(subject):
    """In training, adding a constant a_c to every entry of channel c of x changes neither y nor dx."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        shift = data.draw(st.lists(scalars(-5.0, 5.0), min_size=len(x[0]), max_size=len(x[0])))
        layer = subject.make()
        y = layer.forward(x)
        dy = upstream(data.draw, y)
        dx = layer.backward(dy)
        require_close(layer.forward(per_channel(x, lambda c, v: v + shift[c])), y,
                      "after shifting each channel by a constant, y (are the statistics taken over (N, H, W)?)", 1e-6)
        require_close(layer.backward(dy), dx, "after shifting each channel by a constant, dx", 1e-6)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, training_normalizes_each_channel_over_the_images_and_the_pixels,
              running_statistics_follow_the_momentum_rule, evaluation_uses_the_running_statistics,
              training_dx_sums_to_zero_in_every_channel, shifting_a_channel_leaves_the_training_output_unchanged]
