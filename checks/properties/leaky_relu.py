"""Invariants of LeakyReLU (specs/leaky_relu.md), on top of every layer's rules.

alpha is not read from an attribute (a learner may name it anything): it is
measured as the slope for negative input, forward([[-1.0]]) = [[-alpha]].
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER
from checks.strategies import batches_on_the_kink, matrices, ordered_batch_pairs, positive_scalars


def slope_of(layer):
    """alpha, measured: forward([[-1.0]]) gives [[-alpha]]."""
    return -layer.forward([[-1.0]])[0][0]


def is_x_above_0_and_alpha_x_at_and_below_0(subject):
    """y = x where x > 0 and y = alpha x where x <= 0, with alpha measured as -forward([[-1.0]])."""

    @given(batches_on_the_kink())
    def holds(x):
        alpha = slope_of(subject.make())
        y = subject.make().forward(x)
        for i, (x_row, y_row) in enumerate(zip(x, y)):
            for j, (v, r) in enumerate(zip(x_row, y_row)):
                expected, rule = (v, "x") if v > 0.0 else (alpha * v, f"alpha x with alpha = {alpha!r}")
                require(abs(r - expected) <= 1e-12 * (1.0 + abs(expected)),
                        f"y[{i}][{j}] = {r!r} for x = {v!r}; expected {rule} = {expected!r} (alpha is the slope "
                        "measured from forward([[-1.0]]))")

    holds()


def derivative_is_1_above_0_and_alpha_at_and_below_0(subject):
    """dx = dy where x > 0 and dx = alpha dy where x <= 0: at the kink x = 0 the spec takes the slope alpha."""

    @given(batches_on_the_kink(), st.data())
    def holds(x, data):
        layer = subject.make()
        alpha = slope_of(layer)
        layer.forward(x)
        dy = data.draw(matrices(len(x), len(x[0])))
        dx = layer.backward(dy)
        for i, (x_row, g_row, d_row) in enumerate(zip(x, dy, dx)):
            for j, (v, g, d) in enumerate(zip(x_row, g_row, d_row)):
                expected = g if v > 0.0 else alpha * g
                where = "the kink, where the slope is alpha" if v == 0.0 else ("above 0" if v > 0.0 else "below 0")
                require(abs(d - expected) <= 1e-12 * (1.0 + abs(expected)),
                        f"dx[{i}][{j}] = {d!r} for x = {v!r} ({where}), dy = {g!r}; expected {expected!r} "
                        f"(alpha = {alpha!r}, the slope forward uses for negative input)")

    holds()


def is_positively_homogeneous(subject):
    """leaky_relu(c x) = c leaky_relu(x) for every c > 0."""

    @given(batches_on_the_kink(), positive_scalars())
    def holds(x, c):
        y = subject.make().forward(x)
        scaled = subject.make().forward([[c * v for v in row] for row in x])
        require_close(scaled, [[c * v for v in row] for row in y],
                      f"with c = {c!r}, leaky_relu(c x) should equal c leaky_relu(x); leaky_relu(c x)", 1e-12)

    holds()


def is_monotone(subject):
    """x1 <= x2 entry by entry gives y1 <= y2, since the checks build LeakyReLU with alpha > 0."""

    @given(ordered_batch_pairs())
    def holds(pair):
        x1, x2 = pair
        alpha = slope_of(subject.make())
        require(alpha > 0.0, f"the slope for negative input, -forward([[-1.0]]), is {alpha!r}; it should be positive")
        y1, y2 = subject.make().forward(x1), subject.make().forward(x2)
        for i, (r1, r2) in enumerate(zip(y1, y2)):
            for j, (t1, t2) in enumerate(zip(r1, r2)):
                require(t1 <= t2, f"x1[{i}][{j}] = {x1[i][j]!r} <= x2[{i}][{j}] = {x2[i][j]!r}, but "
                                  f"y1[{i}][{j}] = {t1!r} > y2[{i}][{j}] = {t2!r}")

    holds()


def alpha_is_the_constructor_argument(subject):
    """LeakyReLU(alpha), called positionally, scales negative inputs and their gradients by that alpha."""

    @given(positive_scalars(0.01, 0.9))
    def holds(alpha):
        layer = subject.implementation(alpha)
        require_close(layer.forward([[-1.0, 2.0]]), [[-alpha, 2.0]],
                      f"LeakyReLU({alpha!r}).forward([[-1.0, 2.0]]) should be [[-alpha, 2.0]]; entry ", 1e-12)
        require_close(layer.backward([[1.0, 1.0]]), [[alpha, 1.0]],
                      f"LeakyReLU({alpha!r}).backward([[1.0, 1.0]]) should be [[alpha, 1.0]]; entry ", 1e-12)

    holds()


PROPERTIES = [*EVERY_LAYER, is_x_above_0_and_alpha_x_at_and_below_0, derivative_is_1_above_0_and_alpha_at_and_below_0,
              is_positively_homogeneous, is_monotone,
              alpha_is_the_constructor_argument]
