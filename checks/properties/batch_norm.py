"""Invariants of BatchNorm (specs/batch_norm.md), in both modes, on top of every layer's rules.

The layers come from subject.make(): D features as its inputs have, gamma and beta seeded away from 1 and 0 (a
missing gamma factor hides behind gamma = 1). The expected numbers are computed here from the spec's formulas.
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, upstream
from checks.strategies import batches, matrices, scalars

EPS, MOMENTUM = 1e-5, 0.1  # the defaults the checks build with


def columns_of(x):
    return [list(c) for c in zip(*x)]


def mean(v):
    return math.fsum(v) / len(v)


def variance(v):
    """The biased variance mean((v - mean(v))^2)."""
    m = mean(v)
    return math.fsum((a - m) ** 2 for a in v) / len(v)


def require_sums_of_0(slices, what, statistics):
    """Each slice (a column or a row of dx) sums to 0, to rounding: the path through the mean is there."""
    for k, d in enumerate(slices):
        size = 1e-9 * (1 + max(abs(v) for v in d)) * len(d)
        require(abs(math.fsum(d)) <= size, f"{what} {k} of dx sums to {math.fsum(d)!r}, not 0: the path through "
                                           f"the {statistics} mean is missing")


def training_columns_have_mean_beta_and_variance_gamma_squared(subject):
    """In training, each output column j has mean beta_j and variance gamma_j^2 var_j / (var_j + eps)."""

    @given(subject.inputs)
    def holds(x):
        layer = subject.make()
        gamma, beta = layer.params["gamma"], layer.params["beta"]
        for j, (c, y) in enumerate(zip(columns_of(x), columns_of(layer.forward(x)))):
            require(abs(mean(y) - beta[j]) <= 1e-9 * (1 + abs(beta[j]) + abs(gamma[j])),
                    f"output column {j} has mean {mean(y)!r}; in training it must be beta[{j}] = {beta[j]!r} "
                    "(normalize with the batch mean)")
            want = gamma[j] ** 2 * variance(c) / (variance(c) + EPS)
            require(abs(variance(y) - want) <= 1e-9 * (1 + want), f"output column {j} has variance {variance(y)!r}; "
                    f"in training it must be gamma^2 var / (var + eps) = {want!r} (the biased batch variance, "
                    "gamma applied once)")

    holds()


def running_statistics_follow_the_momentum_rule(subject):
    """Each training forward sets running = (1 - momentum) running + momentum batch, from running_mean = 0 and
    running_var = 1, with the unbiased batch variance (var * N / (N - 1)) for running_var."""

    @given(st.lists(subject.inputs, min_size=1, max_size=3))
    def holds(xs):
        layer = subject.make()
        mu, var = [0.0] * len(xs[0][0]), [1.0] * len(xs[0][0])
        for x in xs:
            layer.forward(x)
            n = len(x)
            mu = [(1 - MOMENTUM) * r + MOMENTUM * mean(c) for r, c in zip(mu, columns_of(x))]
            var = [(1 - MOMENTUM) * r + MOMENTUM * variance(c) * n / (n - 1) for r, c in zip(var, columns_of(x))]
        rule = "running = (1 - momentum) running + momentum batch"
        require_close(layer.running_mean, mu, f"after {len(xs)} training forward(s) ({rule}), running_mean", 1e-9)
        require_close(layer.running_var, var, f"after {len(xs)} training forward(s) ({rule}, with the unbiased batch "
                                              "variance var N / (N - 1)), running_var", 1e-9)

    holds()


def evaluation_uses_the_running_statistics(subject):
    """In evaluation, y = gamma (x - running_mean) / sqrt(running_var + eps) + beta and dx = dy gamma /
    sqrt(running_var + eps), row by row; the running statistics stay as they are, and a row alone gives the
    same output as in the batch."""

    @given(subject.inputs, subject.inputs, st.data())
    def holds(x_train, x, data):
        layer = subject.make()
        layer.forward(x_train)
        mu, var = list(layer.running_mean), list(layer.running_var)
        gamma, beta = layer.params["gamma"], layer.params["beta"]
        want = [[g * (v - m) / math.sqrt(s + EPS) + b for v, m, s, g, b in zip(row, mu, var, gamma, beta)]
                for row in x]
        layer.training = False
        require_close(layer.forward(x), want, "in evaluation BatchNorm must normalize with running_mean and "
                                              "running_var, not the batch's statistics (are batch statistics still "
                                              "applied in evaluation?); y", 1e-9)
        dy = upstream(data.draw, want)
        require_close(layer.backward(dy), [[d * g / math.sqrt(s + EPS) for d, g, s in zip(row, gamma, var)]
                                           for row in dy],
                      "in evaluation the statistics are constants, so dx = dy gamma / sqrt(running_var + eps); "
                      "dx", 1e-9)
        require_close([layer.running_mean, layer.running_var], [mu, var],
                      "a forward in evaluation must leave [running_mean, running_var] unchanged (are batch statistics "
                      "still applied in evaluation?); they became", 0.0)
        require_close(layer.forward(x[:1]), want[:1], "in evaluation a row alone must give its output in the batch; "
                                                      "y", 1e-9)

    holds()


def training_dx_sums_to_zero_in_every_column(subject):
    """In training, sum_n dx_nj = 0 for every column j and every dy: the path through the batch mean takes out
    what moves the whole column."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        layer = subject.make()
        y = layer.forward(x)
        require_sums_of_0(columns_of(layer.backward(upstream(data.draw, y))), "column", "batch")

    holds()


def shifting_a_column_leaves_the_training_output_unchanged(subject):
    """In training, adding a constant c_j to column j of x changes neither y nor dx."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        shift = data.draw(st.lists(scalars(-5.0, 5.0), min_size=len(x[0]), max_size=len(x[0])))
        layer = subject.make()
        y = layer.forward(x)
        dy = data.draw(matrices(len(y), len(y[0])))
        dx = layer.backward(dy)
        moved = [[v + c for v, c in zip(row, shift)] for row in x]
        require_close(layer.forward(moved), y, "after shifting each column by a constant, y", 1e-6)
        require_close(layer.backward(dy), dx, "after shifting each column by a constant, dx", 1e-6)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, training_columns_have_mean_beta_and_variance_gamma_squared,
              running_statistics_follow_the_momentum_rule, evaluation_uses_the_running_statistics,
              training_dx_sums_to_zero_in_every_column,
              shifting_a_column_leaves_the_training_output_unchanged]
