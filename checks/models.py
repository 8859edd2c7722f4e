"""The small models the baseline check trains on the bike data (checks/baseline.py), built around a component.

The course's network is 5-8-1: Dense(5, 8), an activation, Dense(8, 1). A
layer built positionally by a learner's class is given the reference's
initial weights, so that two runs compare. A training component (an
optimizer, a schedule, a regularizer) trains that network through Stepping.
"""
import reference
from checks.baseline import EPOCHS, bike_data, rows_per_epoch


def dense_like(dense, n_in, n_out, seed):
    """A Dense built positionally, then given the reference's initial weights (so runs compare)."""
    layer = dense(n_in, n_out)
    start = reference.Dense(n_in, n_out, seed, reference.he_normal)
    layer.params["W"], layer.params["b"] = start.params["W"], start.params["b"]
    return layer


def neuron_like(neuron, n_in, seed):
    """A Neuron built positionally, then given the reference's initial weights (so runs compare)."""
    unit = neuron(n_in)
    start = reference.Neuron(n_in, seed, reference.he_normal)
    unit.params["w"], unit.params["b"] = start.params["w"], start.params["b"]
    return unit


def mlp(hidden_activation, dense=reference.Dense, hidden=8):
    """The course's 5-8-1 network: Dense(5, 8), an activation, Dense(8, 1)."""
    return reference.Sequential([dense_like(dense, 5, hidden, 0), hidden_activation, dense_like(dense, hidden, 1, 1)])


class Stepping:
    """The baseline model of a training component: each backward ends with optimizer.step on the inner model.

    Its own params are empty, so the baseline's plain gradient step leaves the
    weights to the optimizer. A schedule sets optimizer.lr = lr_at(epoch, epochs),
    the epoch counted from the rows seen; a regularizer adds its gradient first.
    """

    def __init__(self, model, optimizer, lr_at=None, regularizer=None):
        self.model, self.optimizer, self.lr_at, self.regularizer = model, optimizer, lr_at, regularizer
        self.params, self.grads, self.rows_seen, self.rows = {}, {}, 0, 0
        self.training = True  # passed on to the inner model: the baseline evaluates in evaluation mode

    def forward(self, x):
        self.rows = len(x)
        self.model.training = self.training
        return self.model.forward(x)

    def backward(self, dy):
        dx = self.model.backward(dy)
        grads = self.model.grads
        if self.regularizer is not None:
            grads = self.regularizer.add(grads, self.model.params)
        if self.lr_at is not None:
            self.optimizer.lr = self.lr_at(self.rows_seen // rows_per_epoch(bike_data()[0][0]), EPOCHS)
        self.optimizer.step(self.model.params, grads)
        self.rows_seen += self.rows
        return dx


def stepping(optimizer, lr_at=None, regularizer=None):
    """(the 5-8-1 ReLU network trained by optimizer, MSE) for the baseline."""
    return Stepping(mlp(reference.ReLU()), optimizer, lr_at, regularizer), reference.MSE()
