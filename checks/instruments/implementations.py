"""The training step the bench times, in the reference and as a learner writes it (make bench, make compare-torch).

The network is Dense(5, H) -> ReLU -> Dense(H, 1), H = 8 (57 parameters),
trained on the chronological 80% training part of the hourly bike data:
batches of BATCH rows, MSE, plain gradient descent with lr = LR. Every
implementation starts from the reference's initial weights and takes the
same steps, so all of them do the same arithmetic:

- reference: its own Dense, ReLU, MSE, Sequential and optimizer;
- learner: the same steps written the plain way, with comprehensions, zip and sum.

Its peers, micrograd and PyTorch, are in checks/instruments/peers.py. Each
class takes the weights [W1 (5, H), b1 (H,), W2 (H, 1), b2 (1,)] and has
prepare(x, t), gradients(x, t) -> (L, [dW1, db1, dW2, db2]) and step(x, t) -> L.
"""
import reference
from reference.trainer.bike_sharing import chronological_split, load

HIDDEN, BATCH, LR = 8, 64, 0.1


def training_data(rows=None):
    """The chronological 80% training part: x (N, 5) scaled features, t (N, 1) = cnt / 1000."""
    (x, t), _ = chronological_split(*load(), (0.8, 0.2))
    return (x[:rows], t[:rows]) if rows else (x, t)


def initial_weights(hidden=HIDDEN):
    """The reference's starting parameters [W1 (5, H), b1 (H,), W2 (H, 1), b2 (1,)], as new lists."""
    first, second = reference.Dense(5, hidden, seed=0), reference.Dense(hidden, 1, seed=1)
    return [[list(row) for row in first.params["W"]], list(first.params["b"]),
            [list(row) for row in second.params["W"]], list(second.params["b"])]


class InlineSGD:
    """p <- p - lr g, in place, for every parameter: the update reference.SGD makes, for a tree without it."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        lr = self.lr
        for name, p in params.items():
            g = grads[name]
            if isinstance(p[0], list):
                for p_row, g_row in zip(p, g):
                    p_row[:] = [v - lr * d for v, d in zip(p_row, g_row)]
            else:
                p[:] = [v - lr * d for v, d in zip(p, g)]


class Reference:
    """reference/: Sequential([Dense, ReLU, Dense]) with MSE, stepped by reference.SGD (or InlineSGD)."""

    name = "reference"

    def __init__(self, weights, lr=LR):
        W1, b1, W2, b2 = weights
        first, second = reference.Dense(len(W1), len(b1)), reference.Dense(len(W2), len(b2))
        first.params.update(W=[list(row) for row in W1], b=list(b1))
        second.params.update(W=[list(row) for row in W2], b=list(b2))
        self.model, self.loss = reference.Sequential([first, reference.ReLU(), second]), reference.MSE()
        sgd = getattr(reference, "SGD", None)
        self.optimizer = sgd(lr) if sgd else InlineSGD(lr)

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        """-> (L, [dW1, db1, dW2, db2]) at the current weights, without a step."""
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        return L, [self.model.grads[name] for name in ("0.W", "0.b", "2.W", "2.b")]

    def step(self, x, t):
        L = self.loss.forward(self.model.forward(x), t)
        self.model.backward(self.loss.backward())
        self.optimizer.step(self.model.params, self.model.grads)
        return L

    def descend(self):
        """The gradient-descent step with the gradients of the latest gradients() call (make compare-torch)."""
        self.optimizer.step(self.model.params, self.model.grads)


# The learner's helpers, written the way they usually are: matmul takes the
# columns of b again for every row of a, and sums a generator of products.
def matmul(a, b):
    return [[sum(u * v for u, v in zip(row, column)) for column in zip(*b)] for row in a]


def transpose(a):
    return [list(column) for column in zip(*a)]


def add_bias(a, b):
    return [[v + c for v, c in zip(row, b)] for row in a]


class Learner:
    """The same training step as a learner writes it: helper functions of comprehensions, zip and sum."""

    name = "learner"

    def __init__(self, weights, lr=LR):
        self.weights, self.lr = weights, lr  # replaced by new lists at every step, never edited

    @staticmethod
    def prepare(x, t):
        return x, t

    def gradients(self, x, t):
        W1, b1, W2, b2 = self.weights
        z = add_bias(matmul(x, W1), b1)
        h = [[max(0.0, v) for v in row] for row in z]
        p = add_bias(matmul(h, W2), b2)
        n = len(x)
        L = sum((p_row[0] - t_row[0]) ** 2 for p_row, t_row in zip(p, t)) / n
        dp = [[2 * (p_row[0] - t_row[0]) / n] for p_row, t_row in zip(p, t)]
        dh = matmul(dp, transpose(W2))
        dz = [[g if v > 0 else 0.0 for g, v in zip(g_row, z_row)] for g_row, z_row in zip(dh, z)]
        grads = [matmul(transpose(x), dz), [sum(c) for c in zip(*dz)],
                 matmul(transpose(h), dp), [sum(c) for c in zip(*dp)]]
        return L, grads

    def step(self, x, t):
        L, grads = self.gradients(x, t)
        lr = self.lr
        self.weights = [[w - lr * g for w, g in zip(p, d)] if isinstance(p[0], float)
                        else [[w - lr * g for w, g in zip(p_row, g_row)] for p_row, g_row in zip(p, d)]
                        for p, d in zip(self.weights, grads)]
        return L
