"""Invariants of Sequential (specs/sequential.md), on top of every layer's rules.

The Sequential under test comes from subject.make(). To compare it with its
layers run one by one, each property builds fresh reference copies of the
layers that checks/components.py gives it (the same seeds, so the same weights).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, snapshot, upstream
from checks.strategies import scalars
from reference import Dense, ReLU


def the_same_layers():
    """Fresh copies of the layers checks/components.py gives Sequential: Dense(3, 4), ReLU(), Dense(4, 2, seed=1)."""
    return [Dense(3, 4), ReLU(), Dense(4, 2, seed=1)]


def one_by_one(layers, x):
    """forward through each layer in order."""
    for layer in layers:
        x = layer.forward(x)
    return x


def backward_one_by_one(layers, dy):
    """backward through each layer in reverse order."""
    for layer in reversed(layers):
        dy = layer.backward(dy)
    return dy


def keys_of(layers):
    return sorted(f"{i}.{name}" for i, layer in enumerate(layers) for name in layer.params)


def forward_applies_the_layers_in_order(subject):
    """Sequential(layers).forward(x) equals x passed through layer 0, then layer 1, and so on."""

    @given(subject.inputs)
    def holds(x):
        require_close(subject.make().forward(x), one_by_one(the_same_layers(), x),
                      "forward should equal the layers applied one by one, first to last; y", 1e-12)

    holds()


def params_are_the_layers_own_lists_under_index_dot_name(subject):
    """params keys are "<index>.<name>" and hold the layers' own lists: editing params["0.W"] in place changes y."""

    @given(subject.inputs, st.data(), scalars())
    def holds(x, data, delta):
        net, layers = subject.make(), the_same_layers()
        expected = keys_of(layers)
        require(sorted(net.params) == expected, f"params should have the keys {expected} ('<index>.<name>', "
                                                f"counting every layer), found {sorted(net.params)}")
        key = data.draw(st.sampled_from(expected))
        index, name = key.split(".", 1)
        for value in (net.params[key], layers[int(index)].params[name]):
            _add_in_place(value, delta)
        require_close(net.forward(x), one_by_one(layers, x), f"after adding {delta!r} in place to every entry of "
                      f"params['{key}'], y should change as layer {index}'s {name} changed (is params a copy?); y",
                      1e-12)

    holds()


def _add_in_place(value, delta):
    for i, v in enumerate(value):
        if isinstance(v, list):
            _add_in_place(v, delta)
        else:
            value[i] = v + delta


def grads_are_the_layers_grads(subject):
    """After backward, grads["<index>.<name>"] equals layer index's grads[name] after the same forward and backward."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        net, layers = subject.make(), the_same_layers()
        dy = upstream(data.draw, net.forward(x))
        net.backward(dy)
        one_by_one(layers, x)
        backward_one_by_one(layers, dy)
        expected = {f"{i}.{name}": value for i, layer in enumerate(layers) for name, value in snapshot(layer).items()}
        require(sorted(net.grads) == sorted(expected),
                f"grads should have the keys {sorted(expected)}, found {sorted(net.grads)}")
        for key, value in expected.items():
            require_close(net.grads[key], value, f"grads['{key}'] against the layer's own gradient", 1e-12)

    holds()


def backward_runs_the_layers_backward_in_reverse(subject):
    """backward(dy) equals dy passed back through the last layer, then the one before it, down to the first."""

    @given(subject.inputs, st.data())
    def holds(x, data):
        net, layers = subject.make(), the_same_layers()
        dy = upstream(data.draw, net.forward(x))
        one_by_one(layers, x)
        require_close(net.backward(dy), backward_one_by_one(layers, dy),
                      "backward should equal the layers' backward applied last to first (the chain rule); dx", 1e-12)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, forward_applies_the_layers_in_order,
              params_are_the_layers_own_lists_under_index_dot_name, grads_are_the_layers_grads,
              backward_runs_the_layers_backward_in_reverse]
