"""Invariants of BinaryCrossEntropy (specs/binary_cross_entropy.md), on top of every loss's rules."""
from hypothesis import given

from checks.properties import finite, require, require_close
from checks.properties.losses import EVERY_LOSS
from checks.strategies import probability_batches, saturated_probability_batches, values

NEAR = 1e-6  # how far p may sit from its 0/1 target in the near-zero rule
STEP = 1e-6  # the step along -grad in the descent rule: with p in [0.01, 0.99], L is linear over it within 0.5%


def loss_is_nonnegative(subject):
    """L >= 0 for every p in [0, 1] (the ends included) and 0/1 target."""

    @given(probability_batches())
    def holds(pair):
        value = subject.make().forward(*pair)
        require(value >= 0.0, f"L = {value!r} for p = {pair[0]!r}, t = {pair[1]!r} is negative")

    holds()


def loss_is_zero_at_the_target_and_small_near_it(subject):
    """p = t exactly gives L = 0, and p within eps <= 1e-6 of t gives L <= 2 eps."""

    @given(probability_batches(), values(0.0, NEAR))
    def holds(pair, eps):
        _, t = pair
        loss = subject.make()
        value = loss.forward([list(row) for row in t], t)
        require(abs(value) <= 1e-12, f"L = {value!r} for p equal to the targets t = {t!r}; expected 0")
        near = [[abs(v - eps) for v in row] for row in t]
        value = loss.forward(near, t)
        require(0.0 <= value <= 2 * eps + 1e-12, f"L = {value!r} for p = {near!r}, within {eps!r} of the targets "
                                                  f"{t!r}; expected about {eps!r}")

    holds()


def gradient_is_positive_where_p_exceeds_t_and_negative_below(subject):
    """dL/dp > 0 where p > t and dL/dp < 0 where p < t: raising p toward t lowers L."""

    @given(probability_batches())
    def holds(pair):
        p, t = pair
        loss = subject.make()
        loss.forward(p, t)
        for i, (g, p_i, t_i) in enumerate(zip(loss.backward(), p, t)):
            wrong = (p_i[0] > t_i[0] and not g[0] > 0.0) or (p_i[0] < t_i[0] and not g[0] < 0.0)
            sign = "positive" if p_i[0] > t_i[0] else "negative"
            require(not wrong, f"dL/dp[{i}][0] = {g[0]!r} for p = {p_i[0]!r}, t = {t_i[0]!r}; it should be {sign} "
                               "(dL/dp = (p - t) / (p (1 - p) N))")

    holds()


def stays_finite_at_p_exactly_0_and_1(subject):
    """p exactly 0 or 1 gives a finite L and a finite gradient, for either target: log is clamped, not log(0)."""

    @given(saturated_probability_batches())
    def holds(pair):
        p, t = pair
        loss = subject.make()
        value = loss.forward(p, t)
        require(finite(value), f"L = {value!r} for p = {p!r}, t = {t!r}; clamp log so that log 0 is finite")
        grad = loss.backward()
        require(finite(grad), f"the gradient {grad!r} for p = {p!r}, t = {t!r} is not finite; floor p (1 - p)")

    holds()


def swapping_the_classes_changes_nothing(subject):
    """L(1 - p, 1 - t) = L(p, t), and the gradient flips sign: calling class 0 class 1 changes nothing."""

    @given(subject.inputs)
    def holds(pair):
        p, t = pair
        loss = subject.make()
        value, grad = loss.forward(p, t), loss.backward()
        swapped = loss.forward([[1.0 - v for v in row] for row in p], [[1.0 - v for v in row] for row in t])
        require_close(swapped, value, "L(1 - p, 1 - t) against L(p, t)", 1e-9)
        require_close(loss.backward(), [[-g for g in row] for row in grad],
                      "the gradient of L(1 - p, 1 - t) against minus the gradient of L(p, t)", 1e-9)

    holds()


def a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared(subject):
    """Moving p by -s grad (s = 1e-6) lowers L by s sum(grad^2), to first order: grad points uphill, at that rate."""

    @given(subject.inputs)
    def holds(pair):
        p, t = pair
        loss = subject.make()
        value, grad = loss.forward(p, t), loss.backward()
        stepped = [[v - STEP * g for v, g in zip(p_row, g_row)] for p_row, g_row in zip(p, grad)]
        drop = value - loss.forward(stepped, t)
        predicted = STEP * sum(g * g for row in grad for g in row)
        require(predicted > 0.0 and drop > 0.0, f"a step of {STEP} along -grad changed L by {-drop!r} (it should go "
                                                f"down) for p = {p!r}, t = {t!r}, grad = {grad!r}")
        require(abs(drop / predicted - 1.0) <= 0.01,
                f"a step of {STEP} along -grad lowered L by {drop!r}, but {STEP} * sum(grad^2) = {predicted!r} "
                f"(ratio {drop / predicted:.4f}, expected 1 within 0.01): the gradient has a wrong factor (is the "
                "division by p (1 - p) missing? (p - t) / N is the gradient with respect to the logit, not to p)")

    holds()


PROPERTIES = [*EVERY_LOSS, loss_is_nonnegative, loss_is_zero_at_the_target_and_small_near_it,
              gradient_is_positive_where_p_exceeds_t_and_negative_below, stays_finite_at_p_exactly_0_and_1,
              swapping_the_classes_changes_nothing,
              a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared]
