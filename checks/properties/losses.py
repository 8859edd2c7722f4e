"""Rules of specs/protocol.md that every loss keeps, whatever it measures."""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import finite, require, require_close, require_same_shape


def loss_is_a_finite_float_and_backward_has_the_shape_of_y_pred(subject):
    """forward returns one finite float; backward returns dL/dy_pred with the shape of y_pred."""

    @given(subject.inputs)
    def holds(pair):
        y_pred, y_true = pair
        loss = subject.make()
        value = loss.forward(y_pred, y_true)
        require(isinstance(value, (int, float)) and not isinstance(value, bool) and finite(value),
                f"forward should return a finite float, got {value!r}")
        require_same_shape(loss.backward(), y_pred, "backward()", "y_pred")

    holds()


def loss_is_a_mean_over_the_batch(subject):
    """Repeating the batch twice leaves the loss unchanged and halves every gradient entry (a mean, not a sum)."""

    @given(subject.inputs)
    def holds(pair):
        y_pred, y_true = pair
        loss = subject.make()
        value, grad = loss.forward(y_pred, y_true), loss.backward()
        twice = loss.forward(y_pred + y_pred, list(y_true) + list(y_true))
        require_close(twice, value, "loss of the batch repeated twice", 1e-9)
        half = [[g / 2.0 for g in row] for row in grad]
        require_close(loss.backward(), half + half, "gradient of the batch repeated twice (should be halved)", 1e-9)

    holds()


def permuting_the_batch_permutes_the_gradient(subject):
    """Reordering the rows leaves the loss unchanged and reorders the rows of the gradient."""

    @given(subject.inputs, st.data())
    def holds(pair, data):
        y_pred, y_true = pair
        order = data.draw(st.permutations(range(len(y_pred))))
        loss = subject.make()
        value, grad = loss.forward(y_pred, y_true), loss.backward()
        permuted = loss.forward([y_pred[i] for i in order], [y_true[i] for i in order])
        require_close(permuted, value, "loss after permuting the batch", 1e-9)
        require_close(loss.backward(), [grad[i] for i in order], "gradient after permuting the batch", 1e-12)

    holds()


def arguments_are_not_modified(subject):
    """forward(y_pred, y_true) and backward() leave y_pred and y_true unchanged."""

    @given(subject.inputs)
    def holds(pair):
        y_pred, y_true = pair
        before = (nested.copy(y_pred), nested.copy(y_true))
        loss = subject.make()
        loss.forward(y_pred, y_true)
        loss.backward()
        require((y_pred, y_true) == before, "forward or backward changed y_pred or y_true; compute into new lists")

    holds()


def same_call_same_numbers(subject):
    """The same call twice, or on two fresh instances, gives the same loss and gradient."""

    @given(subject.inputs)
    def holds(pair):
        y_pred, y_true = pair
        first, second = subject.make(), subject.make()
        value = first.forward(y_pred, y_true)
        require(second.forward(y_pred, y_true) == value, "two fresh instances gave different losses")
        grad = first.backward()
        require_close(first.backward(), grad, "backward() called twice gave different gradients", 0.0)
        require_close(second.backward(), grad, "two fresh instances gave different gradients", 0.0)

    holds()


def extreme_inputs_stay_finite(subject):
    """Inputs at the edge of the valid range give a finite loss and a finite gradient."""

    @given(subject.extreme)
    def holds(pair):
        y_pred, y_true = pair
        loss = subject.make()
        value = loss.forward(y_pred, y_true)
        require(finite(value), f"forward gave {value!r} for extreme but valid inputs {y_pred!r}")
        grad = loss.backward()
        require(finite(grad), f"backward gave a non-finite gradient for extreme but valid inputs {y_pred!r}")

    holds()


EVERY_LOSS = [
    loss_is_a_finite_float_and_backward_has_the_shape_of_y_pred,
    loss_is_a_mean_over_the_batch,
    permuting_the_batch_permutes_the_gradient,
    arguments_are_not_modified,
    same_call_same_numbers,
    extreme_inputs_stay_finite,
]
