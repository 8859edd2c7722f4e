"""A stack of layers applied in order (specs/sequential.md)."""
from collections.abc import MutableMapping


class Sequential:
    """y = layer_K( ... layer_1(x)): x (N, D) -> y (N, M).

    params and grads name each entry "<index>.<name>" (e.g. "0.W") and reach
    into the layers: editing or replacing params["0.W"] edits layer 0.
    training (True by default) is the network's mode: forward hands it to every
    layer, so model.training = False switches the whole network to evaluation.
    """

    def __init__(self, layers):
        self.layers = list(layers)
        self.training = True
        self.params = LayerEntries(self.layers, "params")
        self.grads = LayerEntries(self.layers, "grads")

    def forward(self, x):
        """x (N, D) -> y (N, M), through every layer in order, each set to the network's mode first."""
        for layer in self.layers:
            layer.training = self.training
            x = layer.forward(x)
        return x

    def backward(self, dy):
        """dy (N, M) -> dx (N, D), through every layer in reverse order (the chain rule)."""
        for layer in reversed(self.layers):
            dy = layer.backward(dy)  # dL/d(input of layer) = the layer's vector-Jacobian product with dy
        return dy


def evaluate(model, x):
    """model.forward(x) in evaluation mode: x (N, D) -> y (N, M); the model's mode is restored afterwards."""
    mode, model.training = getattr(model, "training", True), False
    try:
        return model.forward(x)
    finally:
        model.training = mode


class LayerEntries(MutableMapping):
    """The layers' params (or grads) as one dict, keyed "<index>.<name>"; reads and writes go to the layers."""

    def __init__(self, layers, attribute):
        self.layers, self.attribute = layers, attribute

    def _owner(self, key):
        index, _, name = key.partition(".")
        if not index.isdigit() or int(index) >= len(self.layers):
            raise KeyError(key)
        return getattr(self.layers[int(index)], self.attribute), name

    def __getitem__(self, key):
        entries, name = self._owner(key)
        return entries[name]

    def __setitem__(self, key, value):
        entries, name = self._owner(key)
        if name not in entries:
            raise KeyError(key)
        entries[name] = value

    def __delitem__(self, key):
        raise TypeError("a network's params cannot be deleted, only edited or replaced")

    def __iter__(self):
        for i, layer in enumerate(self.layers):
            for name in getattr(layer, self.attribute):
                yield f"{i}.{name}"

    def __len__(self):
        return sum(len(getattr(layer, self.attribute)) for layer in self.layers)
