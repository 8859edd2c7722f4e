"""Invariants of SoftmaxCrossEntropy (specs/softmax_cross_entropy.md), on top of every loss's rules."""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import PropertyFailure, finite, require, require_close
from checks.properties.losses import EVERY_LOSS
from checks.strategies import EXTREME, labelled_logits, positive_scalars, shifts


def shifting_a_row_of_logits_changes_neither_L_nor_the_gradient(subject):
    """Adding a constant c_n (up to 1e3) to every logit of row n changes neither L nor the gradient."""

    @given(subject.inputs, st.data())
    def holds(pair, data):
        z, labels = pair
        c = [data.draw(shifts()) for _ in z]
        loss = subject.make()
        value, grad = loss.forward(z, labels), loss.backward()
        shifted = [[v + c_n for v in row] for row, c_n in zip(z, c)]
        try:
            shifted_value = loss.forward(shifted, labels)
        except (ArithmeticError, ValueError) as e:  # exp overflows, or underflows to 0 and then log(0) or 0 / 0
            raise PropertyFailure(f"forward(z + c) with the row constants c = {c!r} raised {type(e).__name__} ({e}); "
                                  "subtract each row's maximum before exp (log-sum-exp)") from e
        require_close(shifted_value, value, f"L after adding the constants {c!r} to the rows", 1e-9)
        require_close(loss.backward(), grad, f"the gradient after adding the constants {c!r} to the rows", 1e-9)

    holds()


def each_gradient_row_sums_to_0(subject):
    """Every row of dL/dz sums to 0: the probabilities sum to 1, and so does the one-hot target."""

    @given(subject.inputs)
    def holds(pair):
        loss = subject.make()
        loss.forward(*pair)
        for i, row in enumerate(loss.backward()):
            require(abs(sum(row)) <= 1e-12, f"row {i} of the gradient {row!r} sums to {sum(row)!r}, expected 0 "
                                            "(dL/dz_j = (p_j - [j = label]) / N)")

    holds()


def equal_logits_give_log_C(subject):
    """When every logit in a row is the same, L = log C exactly (within 1e-12), for C classes."""

    @given(subject.inputs)
    def holds(pair):
        z, labels = pair
        flat = [[row[0]] * len(row) for row in z]
        value = subject.make().forward(flat, labels)
        expected = math.log(len(z[0]))
        require(abs(value - expected) <= 1e-12, f"L = {value!r} for equal logits in every row {flat!r}; "
                                                f"expected log C = log {len(z[0])} = {expected!r}")

    holds()


def raising_the_true_logit_lowers_L(subject):
    """Raising the logit of a row's true class lowers L; dL/dz is negative there and positive at the other classes."""

    @given(subject.inputs, positive_scalars(0.1, 5.0), st.data())
    def holds(pair, delta, data):
        z, labels = pair
        n = data.draw(st.integers(0, len(z) - 1))
        loss = subject.make()
        value = loss.forward(z, labels)
        for j, g in enumerate(loss.backward()[n]):
            sign, ok = ("negative", g < 0.0) if j == labels[n] else ("positive", g > 0.0)
            require(ok, f"dL/dz[{n}][{j}] = {g!r} should be {sign} (the label is {labels[n]}; "
                        "dL/dz_j = (p_j - [j = label]) / N)")
        raised = [list(row) for row in z]
        raised[n][labels[n]] += delta
        lower = loss.forward(raised, labels)
        require(lower < value, f"raising z[{n}][{labels[n]}], the true class's logit, by {delta!r} changed L from "
                               f"{value!r} to {lower!r}; it should go down")

    holds()


def stays_finite_for_logits_of_magnitude_1e4(subject):
    """Logits of magnitude 1e4, in any sign pattern, give a finite L and a finite gradient."""

    @given(labelled_logits(st.sampled_from([-EXTREME, EXTREME])))
    def holds(pair):
        z, labels = pair
        loss = subject.make()
        try:
            value = loss.forward(z, labels)
        except (ArithmeticError, ValueError) as e:
            raise PropertyFailure(f"forward raised {type(e).__name__} ({e}) for logits {z!r}; subtract each row's "
                                  "maximum before exp (log-sum-exp)") from e
        require(finite(value), f"L = {value!r} for logits {z!r}; subtract each row's maximum before exp")
        grad = loss.backward()
        require(finite(grad), f"the gradient {grad!r} for logits {z!r} is not finite")

    holds()


PROPERTIES = [*EVERY_LOSS, shifting_a_row_of_logits_changes_neither_L_nor_the_gradient, each_gradient_row_sums_to_0,
              equal_logits_give_log_C, raising_the_true_logit_lowers_L, stays_finite_for_logits_of_magnitude_1e4]
