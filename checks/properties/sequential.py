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


def params_and_grads_act_as_dicts(subject):
    """params and grads act as dicts: len counts their keys, and a key that names no layer or no entry is absent.

    For such a key, `key in params` is False, params.get(key) gives the default and params[key] raises KeyError.
    """
    net = subject.make()
    net.forward([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]])
    net.backward([[1.0, -0.5], [0.25, 2.0]])  # dy (2, 2): the layers map 3 columns to 2
    absent = [f"{len(the_same_layers())}.W", "9.W", "x.W", "W", "1.W", "0.v", ""]
    for what, entries in (("params", net.params), ("grads", net.grads)):
        keys = list(entries)
        require(len(entries) == len(keys), f"len({what}) is {len(entries)}, but iterating {what} gives {len(keys)} "
                                           f"keys {keys}")
        for key in absent:
            try:
                found, got = key in entries, entries.get(key, "absent")
            except Exception as e:
                require(False, f"'{key}' in {what} raised {type(e).__name__}: {e}; a key that names no layer or no "
                               f"entry must make {what}['{key}'] raise KeyError, so that `in` and .get work")
            require(not found and got == "absent", f"{what} claims to hold '{key}', which names no layer's entry "
                                                   f"(the keys are {keys})")
            try:
                entries[key]
            except KeyError:
                continue
            require(False, f"{what}['{key}'] should raise KeyError: no layer has that entry")


def a_network_inside_a_network_names_entries_index_dot_index_dot_name(subject):
    """A Sequential used as a layer of another one is a layer like any other: its entries appear as "<i>.<j>.<name>".

    Each such key reaches the inner layer's own list, and after backward the inner layer's own gradient.
    """

    @given(subject.inputs, st.data())
    def holds(x, data):
        layers, network = the_same_layers(), subject.implementation
        net = network([network(layers[:2]), layers[2]])
        owners = {f"0.{i}.{name}": (layers[i], name) for i in range(2) for name in layers[i].params}
        owners.update({f"1.{name}": (layers[2], name) for name in layers[2].params})
        require(sorted(net.params) == sorted(owners), f"a network inside a network should have the keys "
                                                      f"{sorted(owners)}, found {sorted(net.params)}")
        y = net.forward(x)
        require_close(y, one_by_one(the_same_layers(), x), "forward of a network inside a network; y", 1e-12)
        net.backward(upstream(data.draw, y))
        for key, (layer, name) in owners.items():
            try:
                value, grad = net.params[key], net.grads[key]
            except KeyError as e:
                require(False, f"params['{key}'] or grads['{key}'] raised KeyError {e}, though iterating params "
                               f"lists '{key}': split a key at its first dot, the index of the outer layer")
            require(value is layer.params[name], f"params['{key}'] should be layer {key.rsplit('.', 1)[0]}'s own "
                                                 f"list {name} (is it a copy?)")
            require_close(grad, layer.grads[name], f"grads['{key}'] against the inner layer's own gradient", 0.0)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, forward_applies_the_layers_in_order,
              params_are_the_layers_own_lists_under_index_dot_name, grads_are_the_layers_grads,
              backward_runs_the_layers_backward_in_reverse, params_and_grads_act_as_dicts,
              a_network_inside_a_network_names_entries_index_dot_index_dot_name]
