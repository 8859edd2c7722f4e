"""A network from its description: a list of layers, or layer sizes and activations (specs/architecture.md)."""
import random

from reference.dense import Dense
from reference.gru import GRU
from reference.identity import Identity
from reference.initializers import he_normal, xavier_uniform
from reference.last_step import LastStep
from reference.leaky_relu import LeakyReLU
from reference.lstm import LSTM
from reference.neuron import Neuron
from reference.relu import ReLU
from reference.rnn import RNN
from reference.sequential import Sequential
from reference.sigmoid import Sigmoid
from reference.softmax import Softmax
from reference.tanh import Tanh
from reference.trainer import image_layers

ACTIVATIONS = {"identity": Identity, "relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh}
RECURRENT = {"rnn": RNN, "lstm": LSTM, "gru": GRU}  # layers on sequences (N, T, D) -> (N, T, units)
LAYERS = {"dense": Dense, "neuron": Neuron, **ACTIVATIONS, "softmax": Softmax, **RECURRENT, "last_step": LastStep,
          **image_layers.IMAGE_LAYERS}
SETTINGS = {"dense": ["units"], "leaky_relu": ["alpha"], **{kind: ["units"] for kind in RECURRENT},
            **image_layers.IMAGE_SETTINGS}  # the settings a layer entry may carry besides "type"
INITIALIZERS = {"he_normal": he_normal, "xavier_uniform": xavier_uniform}


def layers_from_sizes(sizes, activations):
    """sizes [D, H1, ..., M], one activation per Dense layer -> the layer list [dense H1, a1, ..., dense M, aK]."""
    layers = []
    for n_out, activation in zip(sizes[1:], activations):
        layers += [{"type": "dense", "units": n_out}, {"type": activation}]
    return layers


def build_layers(layers, n_in, n_out, init="he_normal", seed=0):
    """A layer list, the input (D, or one image's shape (C, H, W)) and output width M -> (Sequential, the list with
    every width filled in).

    A dense entry without "units" takes M; every layer with params that starts from random numbers (dense, neuron,
    conv2d) takes its seed from the next draw of random.Random(seed).getrandbits(32), so one seed fixes every layer.
    An elementwise activation takes images as they are (its spec: a batch of any rank keeps its shape).
    """
    rng, built, filled, width = random.Random(seed), [], [], n_in
    for entry in layers:
        kind = entry["type"]
        if kind == "dense":
            units = entry.get("units", n_out)
            built.append(Dense(width, units, rng.getrandbits(32), INITIALIZERS[init]))
            entry, width = {"type": "dense", "units": units}, units
        elif kind == "neuron":
            built.append(Neuron(width, rng.getrandbits(32), INITIALIZERS[init]))
            width = 1
        elif kind in RECURRENT:  # its own initialization (its spec), seeded like the others
            built.append(RECURRENT[kind](width, entry["units"], rng.getrandbits(32)))
            width = entry["units"]
        elif kind in image_layers.IMAGE_LAYERS:
            built.append(image_layers.build(entry, tuple(width), rng))
            width = image_layers.output_shape(entry, tuple(width))
        else:
            built.append(LAYERS[kind](**{k: v for k, v in entry.items() if k != "type"}))
        filled.append(dict(entry))
    return Sequential(built), filled


def output_width(layers, n_in):
    """The width of the last layer's output when the list is applied to D = n_in inputs, or to images of shape
    n_in = (C, H, W) (dense without units: None; still images at the end: their shape)."""
    width = n_in
    for entry in layers:
        if entry["type"] == "dense" or entry["type"] in RECURRENT:
            width = entry.get("units")
        elif entry["type"] == "neuron":
            width = 1
        elif entry["type"] in image_layers.IMAGE_LAYERS:
            width = image_layers.output_shape(entry, tuple(width))
    return width


def build(sizes, activations, init="he_normal", seed=0):
    """sizes [D, H1, ..., M], one activation per Dense layer -> Sequential([Dense, act, Dense, act, ...])."""
    return build_layers(layers_from_sizes(sizes, activations), sizes[0], sizes[-1], init, seed)[0]

