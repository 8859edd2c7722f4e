"""Fully connected layer (specs/dense.md)."""
import random

from reference.initializers import xavier_uniform
from reference.tensor import affine, column_sums, matmul, transpose, zeros


class Dense:
    """y = x W + b: x (N, D) -> y (N, M), with W (D, M) and b (M,)."""

    def __init__(self, n_in, n_out, seed=0, init=xavier_uniform):
        rng = random.Random(seed)
        self.params = {"W": init(n_in, n_out, rng), "b": [0.0] * n_out}
        self.grads = {"W": zeros(n_in, n_out), "b": [0.0] * n_out}
        self.x = None

    def forward(self, x):
        """x (N, D) -> y (N, M); keeps x, which the weight gradient needs."""
        self.x = x
        return affine(x, self.params["W"], self.params["b"])

    def backward(self, dy):
        """dy (N, M) -> dx (N, D); sets grads W (D, M) and b (M,)."""
        self.grads["W"] = matmul(transpose(self.x), dy)  # dL/dW = x^T . dy   (D, M)
        self.grads["b"] = column_sums(dy)  # dL/db = sum_n dy[n]   (M,)
        return matmul(dy, transpose(self.params["W"]))  # dL/dx = dy . W^T   (N, D)
