"""Invariants of Momentum (specs/momentum.md), on top of every optimizer's rules: v <- beta v + g, p <- p - lr v."""
from hypothesis import given

from checks.properties.optimizers import EVERY_OPTIMIZER, LR, combine, moves, require_close_params
from checks.strategies import gradient_sequences, parameter_sets, sizes

BETA = 0.9  # the default the constructor must have


def the_first_step_is_a_plain_gradient_step(subject):
    """With no velocity yet, the first step moves by -lr * g, as gradient descent does."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        (move,) = moves(subject.make()(LR), params, [grads])
        require_close_params(move, combine(grads, grads, lambda g, _: -LR * g),
                             "the first step should move by -lr * g (the velocity starts at zero); the move of params",
                             1e-9)

    holds()


def the_second_step_carries_beta_times_the_first_gradient(subject):
    """After g1 then g2, the second step moves by -lr (beta g1 + g2), beta = 0.9 by default: the velocity is kept."""

    @given(gradient_sequences(steps=2))
    def holds(pair):
        params, (g1, g2) = pair
        _, second = moves(subject.make()(LR), params, [g1, g2])
        require_close_params(second, combine(g1, g2, lambda a, b: -LR * (BETA * a + b)),
                             "the second step should move by -lr (beta g1 + g2) with beta = 0.9 (moving by -lr g2 "
                             "means the velocity was forgotten between steps); the move of params", 1e-9)

    holds()


def a_constant_gradient_builds_up_to_lr_g_over_1_minus_beta(subject):
    """Under the same g at every step, step k moves by -lr g (1 - beta^k) / (1 - beta), for beta in (0, 1)."""

    @given(parameter_sets(), sizes(2, 6), sizes(1, 9))
    def holds(pair, steps, tenths):
        params, grads = pair
        beta = tenths / 10.0
        found = moves(subject.make()(LR, beta), params, [grads] * steps)
        for k, move in enumerate(found, start=1):
            growth = (1.0 - beta ** k) / (1.0 - beta)
            require_close_params(move, combine(grads, grads, lambda g, _: -LR * g * growth),
                                 f"with beta = {beta} and the same gradient each time, step {k} should move by "
                                 f"-lr g (1 - beta^{k}) / (1 - beta) = -lr g * {growth:.6g}; the move of params", 1e-9)

    holds()


PROPERTIES = [*EVERY_OPTIMIZER, the_first_step_is_a_plain_gradient_step,
              the_second_step_carries_beta_times_the_first_gradient,
              a_constant_gradient_builds_up_to_lr_g_over_1_minus_beta]
