"""Planted wrong implementations of the recurrence family (tests/planted.py says what each class carries)."""
import math

from reference import RNN, LastStep
from reference.recurrence import add_product, add_sums, as_sequences, at_step, back_through, plus, zero_grads
from reference.tensor import matmul, transpose, zeros


def tanh_slope(dh, h):
    """dh * (1 - h^2), (N, H): the gradient through h = tanh(a)."""
    return [[g * (1.0 - v * v) for g, v in zip(*rows)] for rows in zip(dh, h)]


class RNNGradientNotCarried(RNN):
    """dh_t = dy_t: the gradient from step t + 1 is never added to step t's."""

    component, block, diagnosis = "rnn", "dx", "not-carried"

    def backward(self, dy):
        self.grads = zero_grads(self.params)
        dx = [None] * (len(self.h) - 1)
        for t in reversed(range(len(dx))):
            dx[t], self.dh0 = self.step_backward(t, at_step(dy, t))
        return as_sequences(dx)


class RNNAssignsDWx(RNN):
    """dWx = x_t^T da_t at each step (= where += belongs): step 0's share alone survives the loop."""

    component, block, diagnosis = "rnn", "dWx", "not-summed-over-time"

    def step_backward(self, t, dh):
        result = super().step_backward(t, dh)
        self.grads["Wx"] = matmul(transpose(at_step(self.x, t)), tanh_slope(dh, self.h[t + 1]))
        return result


class RNNWritesStateForRead(RNN):
    """dWh += h_t^T da_t: the state step t wrote, where the state it read, h_{t-1}, belongs."""

    component, block, diagnosis = "rnn", "dWh", "state-off-by-one"

    def step_backward(self, t, dh):
        da = tanh_slope(dh, self.h[t + 1])
        add_product(self.grads["Wx"], at_step(self.x, t), da)
        add_product(self.grads["Wh"], self.h[t + 1], da)
        add_sums(self.grads["b"], da)
        return back_through(da, self.params["Wx"]), back_through(da, self.params["Wh"])


class RNNIgnoresH0(RNN):
    """forward(x, h0) starts from zeros whatever h0 is given."""

    component, property, words = "rnn", "h0_given_equals_prepending_the_state", "must continue forward(p + x)"

    def forward(self, x, h0=None):
        return super().forward(x)


class RNNLeavesDh0Unset(RNN):
    """backward never sets dh0: it stays None (or what an earlier backward left)."""

    component, property, words = "rnn", "dh0_is_the_gradient_of_h0", "dh0 must hold dL/dh0"

    def backward(self, dy):
        kept = self.dh0
        dx = super().backward(dy)
        self.dh0 = kept
        return dx


class RNNReadsBackwardInTime(RNN):
    """Runs the recurrence from the last step to the first (and backward to match): h_t depends on later steps."""

    component, property, words = "rnn", "the_output_at_t_does_not_depend_on_later_inputs", "read backward in time"

    def forward(self, x, h0=None):
        return [s[::-1] for s in super().forward([s[::-1] for s in x], h0)]

    def backward(self, dy):
        return [s[::-1] for s in super().backward([s[::-1] for s in dy])]


class RNNWithoutTanh(RNN):
    """h_t = a_t: the tanh is left out, in forward and in backward alike."""

    component, property, words = "rnn", "with_Wh_0_each_step_is_dense_then_tanh", "tanh(x_t Wx + b)"

    def forward(self, x, h0=None):
        h = [h0 or zeros(len(x), self.n_hidden)]
        for t in range(len(x[0])):
            a = plus(matmul(at_step(x, t), self.params["Wx"]), matmul(h[-1], self.params["Wh"]))
            h.append([[v + b for v, b in zip(row, self.params["b"])] for row in a])
        self.x, self.h = x, h
        return as_sequences(h[1:])

    def step_backward(self, t, dh):
        add_product(self.grads["Wx"], at_step(self.x, t), dh)
        add_product(self.grads["Wh"], self.h[t], dh)
        add_sums(self.grads["b"], dh)
        return back_through(dh, self.params["Wx"]), back_through(dh, self.params["Wh"])


class LastStepGradientToEveryStep(LastStep):
    """dx[n][t] = dy[n] at every step t, as if y were the sum over time."""

    component, block, diagnosis = "last_step", "dx", "every-step"

    def backward(self, dy):
        return [[list(g) for _ in range(self.steps)] for g in dy]


class LastStepGradientToFirstStep(LastStep):
    """dy is placed at step 0, the index 0 where -1 belongs."""

    component, block, diagnosis = "last_step", "dx", "wrong-step"

    def backward(self, dy):
        return [[list(g)] + [[0.0] * len(g) for _ in range(self.steps - 1)] for g in dy]


class LastStepFirstStep(LastStep):
    """Returns the first step, x[n][0], and sends dy there: consistent, and the wrong step."""

    component, property, words = "last_step", "output_is_the_last_step", "must be the last step"

    def forward(self, x):
        super().forward(x)
        return [list(s[0]) for s in x]

    def backward(self, dy):
        return [[list(g)] + [[0.0] * len(g) for _ in range(self.steps - 1)] for g in dy]


class LastStepMeanOverTime(LastStep):
    """Returns the mean over the steps, and dy / T at every step: a pooling, not the last step."""

    component, property, words = "last_step", "earlier_steps_do_not_move_the_output", "after changing every step"

    def forward(self, x):
        super().forward(x)
        return [[math.fsum(column) / len(s) for column in zip(*s)] for s in x]

    def backward(self, dy):
        return [[[g / self.steps for g in row] for _ in range(self.steps)] for row in dy]


class RNNDh0OfTheFirstState(RNN):
    """dh0 = dL/dh_0, the first state's gradient: one step short of dL/dh0 = da_0 . Wh^T."""

    component, property, words = "rnn", "dh0_is_the_gradient_of_h0", "dh0 equals dL/dh_0"

    def step_backward(self, t, dh):
        if t == 0:
            self.first = dh
        return super().step_backward(t, dh)

    def backward(self, dy):
        dx = super().backward(dy)
        self.dh0 = self.first
        return dx
