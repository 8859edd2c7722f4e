"""One neuron: a weighted sum of the inputs plus a bias (specs/neuron.md)."""
import random
from operator import mul

from reference.initializers import xavier_uniform


class Neuron:
    """y = x w + b: x (N, D) -> y (N, 1), with w (D,) and b (1,)."""

    def __init__(self, n_in, seed=0, init=xavier_uniform):
        rng = random.Random(seed)
        self.params = {"w": [row[0] for row in init(n_in, 1, rng)], "b": [0.0]}
        self.grads = {"w": [0.0] * n_in, "b": [0.0]}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, 1); keeps x, which the weight gradient needs."""
        self.x = x
        w, b = self.params["w"], self.params["b"][0]
        return [[sum(map(mul, row, w)) + b] for row in x]

    def backward(self, dy):
        """dy (N, 1) -> dx (N, D); sets grads w (D,) and b (1,)."""
        g = [row[0] for row in dy]  # the one column of dy, as N numbers
        self.grads["w"] = [sum(map(mul, column, g)) for column in zip(*self.x)]  # dL/dw = x^T . dy   (D,)
        self.grads["b"] = [sum(g)]  # dL/db = sum_n dy[n]   (1,)
        return [[g_n * w_d for w_d in self.params["w"]] for g_n in g]  # dL/dx = dy . w^T   (N, D)
