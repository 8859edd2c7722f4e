"""A pure-Python reference implementation of neural-network layers and losses.

Every layer follows specs/protocol.md: params, grads, forward(x), backward(dy).
"""
from reference.binary_cross_entropy import BinaryCrossEntropy
from reference.dense import Dense
from reference.identity import Identity
from reference.initializers import he_normal, xavier_uniform
from reference.leaky_relu import LeakyReLU
from reference.mse import MSE
from reference.relu import ReLU
from reference.sequential import Sequential
from reference.sigmoid import Sigmoid
from reference.softmax import Softmax
from reference.softmax_cross_entropy import SoftmaxCrossEntropy
from reference.tanh import Tanh

__all__ = [
    "Dense", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax",
    "MSE", "BinaryCrossEntropy", "SoftmaxCrossEntropy",
    "Sequential", "xavier_uniform", "he_normal",
]
