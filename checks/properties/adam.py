"""Invariants of Adam (specs/adam.md), on top of every optimizer's rules."""
import math

from hypothesis import given

from checks.properties.optimizers import EVERY_OPTIMIZER, LR, combine, moves, require_close_params
from checks.strategies import gradient_sequences, parameter_sets, positive_scalars

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8  # the defaults the constructor must have
BIAS_HINT = "(is the bias correction m / (1 - beta1^t), v / (1 - beta2^t) missing, or t counted wrong?)"


def about_lr(g):
    """The move of Adam's first step, and of every step under a constant gradient: -lr g / (|g| + eps)."""
    return -LR * g / (abs(g) + EPS)


def the_first_step_moves_each_coordinate_by_about_lr(subject):
    """The first step moves each entry by -lr g / (|g| + eps): lr against the sign of g, whatever the size of g."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        (move,) = moves(subject.make()(LR), params, [grads])
        require_close_params(move, combine(grads, grads, lambda g, _: about_lr(g)),
                             f"the first step should move each entry by lr = {LR} against its gradient {BIAS_HINT}; "
                             "the move of params", 1e-9)

    holds()


def a_constant_gradient_moves_by_lr_at_every_step(subject):
    """Under the same g at every step the corrected averages are m_hat = g, v_hat = g^2: each step moves by about lr."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        found = moves(subject.make()(LR), params, [grads] * 4)
        require_close_params(found, [combine(grads, grads, lambda g, _: about_lr(g))] * 4,
                             f"under a constant gradient each step should move each entry by lr = {LR} {BIAS_HINT}; "
                             "the move of params", 1e-9)

    holds()


def the_steps_follow_the_moving_averages(subject):
    """Over three steps with different gradients, each move is -lr m_hat / (sqrt(v_hat) + eps), from the spec."""

    @given(gradient_sequences(steps=3))
    def holds(pair):
        params, sequence = pair
        m = v = combine(sequence[0], sequence[0], lambda g, _: 0.0)
        expected = []
        for t, grads in enumerate(sequence, start=1):
            m = combine(m, grads, lambda a, g: BETA1 * a + (1 - BETA1) * g)
            v = combine(v, grads, lambda a, g: BETA2 * a + (1 - BETA2) * g * g)
            c1, c2 = 1 - BETA1 ** t, 1 - BETA2 ** t
            expected.append(combine(m, v, lambda a, b: -LR * (a / c1) / (math.sqrt(b / c2) + EPS)))
        require_close_params(moves(subject.make()(LR), params, sequence), expected,
                             "each step should move by -lr m_hat / (sqrt(v_hat) + eps) with beta1 = 0.9, "
                             f"beta2 = 0.999, eps = 1e-8 {BIAS_HINT}; the move of params", 1e-9)

    holds()


def scaling_every_gradient_leaves_the_steps_unchanged(subject):
    """Multiplying every gradient by c > 0 leaves every move the same (up to eps): Adam's step has no units of g."""

    @given(gradient_sequences(steps=3), positive_scalars())
    def holds(pair, c):
        params, sequence = pair
        scaled = [combine(grads, grads, lambda g, _: c * g) for grads in sequence]
        require_close_params(moves(subject.make()(LR), params, scaled), moves(subject.make()(LR), params, sequence),
                             f"with every gradient multiplied by c = {c!r} the moves changed; m_hat / sqrt(v_hat) "
                             "should cancel c. The move of params", 1e-6)

    holds()


PROPERTIES = [*EVERY_OPTIMIZER, the_first_step_moves_each_coordinate_by_about_lr,
              a_constant_gradient_moves_by_lr_at_every_step, the_steps_follow_the_moving_averages,
              scaling_every_gradient_leaves_the_steps_unchanged]
