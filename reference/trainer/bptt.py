"""Truncated backpropagation through time: the gradient reaches back only the last k steps (specs/bptt.md).

Truncated(layer, k) wraps a recurrent layer (RNN, LSTM or GRU: forward(x, h0=None[, c0=None]) -> h (N, T, H)).
In training it runs the first T - k steps forward only, to get the state at step T - k, then runs the last k
steps from that state; backward goes through those k steps only and stops at the state. In evaluation mode,
and when T <= k, it is the layer itself.
"""
from reference.lstm import LSTM


class Truncated:
    """x (N, T, D) -> h (N, T, H), the wrapped layer's output; backward: dL/dx of the last k steps, zeros before."""

    def __init__(self, layer, steps):
        self.layer, self.steps = layer, steps
        self.training = True

    @property
    def params(self):
        return self.layer.params

    @property
    def grads(self):
        return self.layer.grads

    def forward(self, x, h0=None, c0=None):
        """x (N, T, D) -> h (N, T, H); the first T - k steps of h come from a forward pass that backward never sees."""
        self.layer.training = self.training
        self.cut = max(len(x[0]) - self.steps, 0) if self.training else 0
        if self.cut == 0:
            return self.layer.forward(x, *initial(self.layer, h0, c0))
        head = self.layer.forward([row[:self.cut] for row in x], *initial(self.layer, h0, c0))
        state = initial(self.layer, [row[-1] for row in head], getattr(self.layer, "c_last", None))
        tail = self.layer.forward([row[self.cut:] for row in x], *state)
        return [h_head + h_tail for h_head, h_tail in zip(head, tail)]

    def backward(self, dy):
        """dy (N, T, H) -> dx (N, T, D): the layer's backward on the last k steps; dL/dx before them is taken as 0."""
        dx_tail = self.layer.backward([row[self.cut:] for row in dy])  # dL/dx_t for t > T - k; dh0 is dropped there
        width = len(dx_tail[0][0])
        return [[[0.0] * width for _ in range(self.cut)] + row for row in dx_tail]  # truncated: no path before T - k


def initial(layer, h0, c0):
    """The initial-state arguments of the layer's forward: (h0, c0) for an LSTM, (h0,) for the others."""
    return (h0, c0) if isinstance(layer, LSTM) else (h0,)


def truncate(model, steps):
    """Wrap every recurrent layer of a Sequential in Truncated(layer, steps), in place; -> model."""
    model.layers[:] = [Truncated(layer, steps) if is_recurrent(layer) else layer for layer in model.layers]
    return model


def is_recurrent(layer):
    """True for a layer that carries a hidden state across time steps (it has a recurrent weight Wh)."""
    return "Wh" in getattr(layer, "params", {})
