"""Invariants of MSE (specs/mse.md), on top of every loss's rules."""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.losses import EVERY_LOSS
from checks.strategies import regression_batches, residual_batches, scalars

STEP = 1e-3  # the step along -grad in the descent rule: small enough that L is close to linear over it


def loss_is_nonnegative(subject):
    """L >= 0 for every y_pred and y_true."""

    @given(subject.inputs)
    def holds(pair):
        value = subject.make().forward(*pair)
        require(value >= 0.0, f"L = {value!r} is negative; a mean of squares cannot be")

    holds()


def a_single_miss_of_r_costs_r_squared_over_N_M(subject):
    """With y_pred equal to y_true except one entry off by r, L = r^2 / (N M): a square, averaged over every entry."""

    @given(regression_batches(), scalars(), st.data())
    def holds(pair, r, data):
        _, y_true = pair
        n, m = len(y_true), len(y_true[0])
        i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, m - 1))
        y_pred = [list(row) for row in y_true]
        y_pred[i][j] += r
        miss = y_pred[i][j] - y_true[i][j]  # r, as rounded by the addition
        require_close(subject.make().forward(y_pred, y_true), miss * miss / (n * m),
                      f"y_pred equals y_true except entry [{i}][{j}], off by {miss!r}, in a batch of {n} x {m}: L "
                      "should be r^2 / (N M) (a sum instead of a mean, a mean over the rows only or a missing square "
                      "gives another number); L", 1e-12)

    holds()


def loss_and_gradient_are_zero_at_the_target(subject):
    """y_pred == y_true gives L = 0 and a zero gradient, exactly."""

    @given(regression_batches())
    def holds(pair):
        _, y_true = pair
        loss = subject.make()
        value = loss.forward([list(row) for row in y_true], y_true)
        require(value == 0.0, f"L = {value!r} for y_pred == y_true; expected 0.0")
        require_close(loss.backward(), [[0.0] * len(row) for row in y_true], "the gradient at y_pred == y_true", 0.0)

    holds()


def is_symmetric_in_y_pred_and_y_true(subject):
    """L(p, t) = L(t, p), and swapping the arguments flips the sign of the gradient."""

    @given(subject.inputs)
    def holds(pair):
        y_pred, y_true = pair
        loss = subject.make()
        value, grad = loss.forward(y_pred, y_true), loss.backward()
        require_close(loss.forward(y_true, y_pred), value, "L(y_true, y_pred) against L(y_pred, y_true)", 1e-12)
        require_close(loss.backward(), [[-g for g in row] for row in grad],
                      "the gradient of L(y_true, y_pred) against minus that of L(y_pred, y_true)", 1e-12)

    holds()


def scaling_the_residual_by_c_scales_L_by_c_squared_and_the_gradient_by_c(subject):
    """With y_pred' = y_true + c (y_pred - y_true): L' = c^2 L and grad' = c grad."""

    @given(subject.inputs, scalars())
    def holds(pair, c):
        y_pred, y_true = pair
        loss = subject.make()
        value, grad = loss.forward(y_pred, y_true), loss.backward()
        scaled = [[t + c * (p - t) for p, t in zip(p_row, t_row)] for p_row, t_row in zip(y_pred, y_true)]
        require_close(loss.forward(scaled, y_true), c * c * value,
                      f"with the residual scaled by c = {c!r}, L should be c^2 times the unscaled L; L", 1e-9)
        require_close(loss.backward(), [[c * g for g in row] for row in grad],
                      f"with the residual scaled by c = {c!r}, the gradient should be c times the unscaled one; grad",
                      1e-9)

    holds()


def a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared(subject):
    """Moving y_pred by -s grad (s = 1e-3) lowers L by s sum(grad^2) to first order: grad points uphill at that rate."""

    @given(residual_batches())
    def holds(pair):
        y_pred, y_true = pair
        loss = subject.make()
        value, grad = loss.forward(y_pred, y_true), loss.backward()
        stepped = [[p - STEP * g for p, g in zip(p_row, g_row)] for p_row, g_row in zip(y_pred, grad)]
        drop = value - loss.forward(stepped, y_true)
        predicted = STEP * sum(g * g for row in grad for g in row)
        require(predicted > 0.0, "the gradient is all zeros, but every residual y_pred - y_true is 0.5 or more in size")
        require(drop > 0.0, f"a step of {STEP} along -grad raised L by {-drop!r}: the gradient points downhill "
                            "(is its sign flipped? dL/dp = 2 (p - t) / (N M))")
        require(abs(drop / predicted - 1.0) <= 0.01,
                f"a step of {STEP} along -grad lowered L by {drop!r}, but {STEP} * sum(grad^2) = {predicted!r} "
                f"(ratio {drop / predicted:.4f}, expected 1 within 0.01): the gradient has a wrong factor "
                "(the 2 of d(r^2)/dr = 2 r, or the division by N M)")

    holds()


PROPERTIES = [*EVERY_LOSS, loss_is_nonnegative, a_single_miss_of_r_costs_r_squared_over_N_M,
              loss_and_gradient_are_zero_at_the_target,
              is_symmetric_in_y_pred_and_y_true, scaling_the_residual_by_c_scales_L_by_c_squared_and_the_gradient_by_c,
              a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared]
