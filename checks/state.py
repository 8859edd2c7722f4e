"""A recurrent layer's initial state as parameters, so that the gradient checker sees its gradient too.

A recurrent layer takes an optional state beside x, forward(x, h0=None), and
after backward holds its gradient as an attribute, dh0 (specs/protocol.md,
"State inputs"). The checker speaks forward(x) and params alone; StateAsParams
presents the layer with its states among its params (h0 next to Wx, Wh, b),
forward(x) passing them on by name, and their gradients among its grads, so
the full gradient check perturbs h0 entry by entry and compares dh0 like any
parameter's gradient.

>>> from reference import RNN
>>> layer = StateAsParams(RNN(2, 3), {"h0": [[0.5, -0.5, 0.25]]})
>>> sorted(layer.params), len(layer.forward([[[1.0, 2.0], [0.0, 1.0]]])[0])
(['Wh', 'Wx', 'b', 'h0'], 2)
>>> len(layer.backward([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])[0]), len(layer.grads["h0"][0])
(2, 3)

A property that reads a state's gradient, or passes a state, runs in the
checker's own process only (in_process_only): a graded submission is called
through forward(x) and backward(dy) alone (specs/rnn.md, "Conventions").
"""
from checks.held import Passing


class StateAsParams(Passing):
    """The layer with its states (name -> a tensor, e.g. {"h0": (N, H)}) among its params and their gradients
    (the layer's attributes "d" + name after backward) among its grads."""

    def __init__(self, layer, states):
        self.obj, self.states = layer, states

    @property
    def params(self):
        return {**self.obj.params, **self.states}

    @property
    def grads(self):
        return {**self.obj.grads, **{name: getattr(self.obj, "d" + name, None) for name in self.states}}

    def forward(self, x):
        return self.obj.forward(x, **self.states)

    def backward(self, dy):
        return self.obj.backward(dy)


def in_process_only(prop):
    """Mark a property that passes a state or reads its gradient: the grader leaves it out
    (checks/grading/context.py), since it calls a submission through forward(x) and backward(dy) alone."""
    prop.in_process_only = True
    return prop
