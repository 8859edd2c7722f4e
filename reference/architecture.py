"""A multilayer perceptron from its description: layer sizes and activations (specs/architecture.md)."""
import random

from reference.dense import Dense
from reference.identity import Identity
from reference.initializers import he_normal, xavier_uniform
from reference.leaky_relu import LeakyReLU
from reference.relu import ReLU
from reference.sequential import Sequential
from reference.sigmoid import Sigmoid
from reference.tanh import Tanh

ACTIVATIONS = {"identity": Identity, "relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh}
INITIALIZERS = {"he_normal": he_normal, "xavier_uniform": xavier_uniform}


def build(sizes, activations, init="he_normal", seed=0):
    """sizes [D, H1, ..., M], one activation per Dense layer -> Sequential([Dense, act, Dense, act, ...]).

    Layer k's weights come from a seed drawn from random.Random(seed), so one seed fixes every layer.
    """
    rng = random.Random(seed)
    layers = []
    for n_in, n_out, activation in zip(sizes, sizes[1:], activations):
        layers.append(Dense(n_in, n_out, rng.getrandbits(32), INITIALIZERS[init]))
        layers.append(ACTIVATIONS[activation]())
    return Sequential(layers)


def param_shapes(sizes):
    """sizes -> {name: shape} of the network's params: "2k.W" (D_k, D_k+1) and "2k.b" (D_k+1,)."""
    shapes = {}
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        shapes[f"{2 * k}.W"], shapes[f"{2 * k}.b"] = (n_in, n_out), (n_out,)
    return shapes
