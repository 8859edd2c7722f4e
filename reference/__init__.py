"""A pure-Python reference implementation of neural-network layers and losses, and of their training.

Every layer follows specs/protocol.md: params, grads, forward(x), backward(dy), and the mode training.
Optimizers edit params in place from grads: step(params, grads).
"""
from reference.adam import Adam
from reference.avg_pool2d import AvgPool2D
from reference.batch_norm import BatchNorm
from reference.batch_norm2d import BatchNorm2D
from reference.binary_cross_entropy import BinaryCrossEntropy
from reference.conv2d import Conv2D
from reference.dense import Dense
from reference.dropout import Dropout
from reference.embedding import Embedding
from reference.flatten import Flatten
from reference.gradient_clipping import ClippedSGD, clip_grad_norm
from reference.gru import GRU
from reference.identity import Identity
from reference.initializers import he_normal, xavier_uniform
from reference.last_step import LastStep
from reference.layer_norm import LayerNorm
from reference.leaky_relu import LeakyReLU
from reference.lstm import LSTM
from reference.max_pool2d import MaxPool2D
from reference.momentum import Momentum
from reference.mse import MSE
from reference.neuron import Neuron
from reference.relu import ReLU
from reference.rnn import RNN
from reference.schedules import constant, cosine, exponential, step_decay
from reference.sequential import Sequential
from reference.sgd import SGD
from reference.sigmoid import Sigmoid
from reference.softmax import Softmax
from reference.softmax_cross_entropy import SoftmaxCrossEntropy
from reference.tanh import Tanh
from reference.weight_decay import WeightDecay

__all__ = [
    "Neuron", "Dense", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax",
    "MSE", "BinaryCrossEntropy", "SoftmaxCrossEntropy",
    "Sequential", "xavier_uniform", "he_normal",
    "SGD", "Momentum", "Adam", "constant", "step_decay", "exponential", "cosine", "WeightDecay",
    "Dropout", "BatchNorm", "LayerNorm",
    "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "BatchNorm2D",
    "RNN", "LSTM", "GRU", "LastStep",
    "Embedding", "clip_grad_norm", "ClippedSGD",
]
