"""A gallery of the backward-pass mistakes learners make, each planted in a wrong implementation.

Like tests/planted.py, each class names its component, the block the bug
shows in and its diagnosis, and also `words`, a phrase of the evidence that
tells the learner what to change. `also` maps further blocks to their own
diagnosis, for a class with two independent mistakes. A bug the shape of a
check point can hide (a factor M at M = 1) may pass there; wherever it
fails, it gets its diagnosis.
"""
import math
import random

from reference import (MSE, BinaryCrossEntropy, Dense, Identity, LeakyReLU, Neuron, ReLU, Sigmoid, Softmax,
                       SoftmaxCrossEntropy, Tanh)
from reference.tensor import matmul, transpose


def each(dy, cache, slope):
    """dx_ij = slope(dy_ij, cache_ij), entry by entry."""
    return [[slope(g, v) for g, v in zip(g_row, v_row)] for g_row, v_row in zip(dy, cache)]


class KeepsX:
    """forward also keeps its input x (for mistakes that use x where the reference keeps y)."""

    def forward(self, x):
        self.x = x
        return super().forward(x)


# ignores-upstream: the local derivative alone, as if dy were all ones


class ReLUNoUpstream(ReLU):
    """dx = 1 where x > 0, else 0: the mask alone, never multiplied by dy."""

    component, block, diagnosis, words = "relu", "dx", "ignores-upstream", "multiply it by dy"

    def backward(self, dy):
        return each(dy, self.x, lambda g, v: 1.0 if v > 0.0 else 0.0)


class LeakyReLUNoUpstream(LeakyReLU):
    """dx = 1 or alpha: the slope alone."""

    component, block, diagnosis, words = "leaky_relu", "dx", "ignores-upstream", "local derivative alone"

    def backward(self, dy):
        return each(dy, self.x, lambda g, v: 1.0 if v > 0.0 else self.alpha)


class SigmoidNoUpstream(Sigmoid):
    """dx = y (1 - y): the derivative of the sigmoid, but not the chain rule."""

    component, block, diagnosis, words = "sigmoid", "dx", "ignores-upstream", "(chain rule)"

    def backward(self, dy):
        return each(dy, self.y, lambda g, s: s * (1.0 - s))


class TanhNoUpstream(Tanh):
    """dx = 1 - y^2."""

    component, block, diagnosis, words = "tanh", "dx", "ignores-upstream", "multiply it by dy"

    def backward(self, dy):
        return each(dy, self.y, lambda g, t: 1.0 - t * t)


class IdentityReturnsOnes(Identity):
    """dx = 1, "the derivative of x is 1"."""

    component, block, diagnosis, words = "identity", "dx", "ignores-upstream", "multiply it by dy"

    def backward(self, dy):
        return [[1.0] * len(row) for row in dy]


class DenseWeightsNoUpstream(Dense):
    """dW = x^T . 1: the weight gradient without dy."""

    component, block, diagnosis, words = "dense", "dW", "ignores-upstream", "all ones"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = matmul(transpose(self.x), [[1.0] * len(row) for row in dy])
        return dx


class NeuronWeightsNoUpstream(Neuron):
    """dw = the column sums of x: dy left out."""

    component, block, diagnosis, words = "neuron", "dw", "ignores-upstream", "all ones"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["w"] = [sum(column) for column in zip(*self.x)]
        return dx


# wrong-input: the derivative taken at dy, at the output or at the input


class ReLUMaskFromDy(ReLU):
    """dx = dy where dy > 0: the mask is taken from dy instead of x."""

    component, block, diagnosis, words = "relu", "dx", "wrong-input", "(dy > 0) for ReLU where (x > 0) is meant"

    def backward(self, dy):
        return each(dy, dy, lambda g, v: g if v > 0.0 else 0.0)


class LeakyReLUMaskFromDy(LeakyReLU):
    """dx = dy if dy > 0 else alpha dy."""

    component, block, diagnosis, words = "leaky_relu", "dx", "wrong-input", "slope at dy"

    def backward(self, dy):
        return each(dy, dy, lambda g, v: g if v > 0.0 else self.alpha * g)


class TanhFormAtDy(Tanh):
    """dx = dy (1 - dy^2): the output form 1 - y^2 with dy in place of y."""

    component, block, diagnosis, words = "tanh", "dx", "wrong-input", "evaluated at dy instead of at the cached"

    def backward(self, dy):
        return each(dy, dy, lambda g, v: g * (1.0 - v * v))


class SigmoidFormAtDy(Sigmoid):
    """dx = dy dy (1 - dy)."""

    component, block, diagnosis, words = "sigmoid", "dx", "wrong-input", "applied to dy"

    def backward(self, dy):
        return each(dy, dy, lambda g, v: g * v * (1.0 - v))


class TanhAtOutput(Tanh):
    """dx = dy (1 - tanh(y)^2): the derivative at the output."""

    component, block, diagnosis, words = "tanh", "dx", "wrong-input", "slope at its output y"

    def backward(self, dy):
        return each(dy, self.y, lambda g, t: g * (1.0 - math.tanh(t) ** 2))


# diagonal-only: softmax treated as if it were elementwise


class SoftmaxSigmoidStyle(Softmax):
    """dx_j = dy_j (y_j - y_j^2), the sigmoid's formula: the cross terms -y_j y_k are missing."""

    component, block, diagnosis, words = "softmax", "dx", "diagonal-only", "add the cross terms"

    def backward(self, dy):
        return each(dy, self.y, lambda g, p: g * (p - p * p))


# wrong-formula: a slope formula of the wrong form


class TanhMissingParentheses(Tanh):
    """dx = dy * 1 - y**2: the parentheses around 1 - y^2 are missing."""

    component, block, diagnosis, words = "tanh", "dx", "wrong-formula", "dx = dy - y^2 in all"

    def backward(self, dy):
        return each(dy, self.y, lambda g, t: g * 1.0 - t ** 2)


class SigmoidMissingParentheses(Sigmoid):
    """dx = dy * y * 1 - y."""

    component, block, diagnosis, words = "sigmoid", "dx", "wrong-formula", "a pair of parentheses is missing"

    def backward(self, dy):
        return each(dy, self.y, lambda g, s: g * s * 1.0 - s)


class SigmoidForgotY(Sigmoid):
    """dx = dy (1 - y): the factor y of y (1 - y) is missing."""

    component, block, diagnosis, words = ("sigmoid", "dx", "wrong-formula",
                                          "the slope dx/dy is 1 - y where the spec has y - y^2")

    def backward(self, dy):
        return each(dy, self.y, lambda g, s: g * (1.0 - s))


class TanhPlusSquare(Tanh):
    """dx = dy (1 + y^2): the sign inside 1 - y^2 is wrong."""

    component, block, diagnosis, words = "tanh", "dx", "wrong-formula", "is 1 + y^2 where the spec has 1 - y^2"

    def backward(self, dy):
        return each(dy, self.y, lambda g, t: g * (1.0 + t * t))


class TanhSquaredTwice(Tanh):
    """dx = dy (1 - y^2)^2: the square taken of the whole derivative as well."""

    component, block, diagnosis, words = "tanh", "dx", "wrong-formula", "is 1 - 2 y^2 + y^4 where the spec has 1 - y^2"

    def backward(self, dy):
        return each(dy, self.y, lambda g, t: g * (1.0 - t * t) ** 2)


class SigmoidSlopePlusHalf(Sigmoid):
    """dx = dy (y (1 - y) + 1/2): a stray constant in the slope."""

    component, block, diagnosis, words = "sigmoid", "dx", "wrong-formula", "off by the constant 1/2"

    def backward(self, dy):
        return each(dy, self.y, lambda g, s: g * (s * (1.0 - s) + 0.5))


# scale: a factor named in the spec's symbols, after two shapes agree


class MSEMissingTwoOverNM(MSE):
    """dL/dp = p - t: the whole factor 2 / (N M) is missing (at N = 4, M = 2 it equals 1/N)."""

    component, block, diagnosis, words = "mse", "dy_pred", "scale", "c = N M/2"

    def backward(self):
        return [list(row) for row in self.residual]


class MSEDividedByN(MSE):
    """dL/dp = 2 (p - t) / N: divided by the rows only."""

    component, block, diagnosis, words = "mse", "dy_pred", "scale", "c = M: the factor 1/M"

    def backward(self):
        return [[2.0 * r / len(self.residual) for r in row] for row in self.residual]


class BCENotAveraged(BinaryCrossEntropy):
    """dL/dp = (p - t) / (p (1 - p)): the mean over N M entries is missing."""

    component, block, diagnosis, words = "binary_cross_entropy", "dy_pred", "scale", "c = N M"

    def backward(self):
        return [[(p - t) / (p * (1.0 - p)) for p, t in zip(pr, tr)] for pr, tr in zip(self.p, self.t)]


class SCEOverNM(SoftmaxCrossEntropy):
    """dL/dz = (p - onehot) / (N C): divided by every entry where the mean is over rows."""

    component, block, diagnosis, words = "softmax_cross_entropy", "dy_pred", "scale", "c = 1/M"

    def backward(self):
        return [[g / len(self.p[0]) for g in row] for row in super().backward()]


class DenseWeightsMean(Dense):
    """dW = x^T . dy / N: averaged over the batch, as a mean loss would be, twice."""

    component, block, diagnosis, words = "dense", "dW", "scale", "c = 1/N"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [[g / len(dy) for g in row] for row in self.grads["W"]]
        return dx


class NeuronBiasMean(Neuron):
    """db = mean of dy instead of its sum."""

    component, block, diagnosis, words = "neuron", "db", "scale", "c = 1/N"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [self.grads["b"][0] / len(dy)]
        return dx


class SigmoidDoubled(Sigmoid):
    """dx = 2 dy y (1 - y): a 2 from a squared loss pasted into the layer."""

    component, block, diagnosis, words = "sigmoid", "dx", "scale", "a factor 2 too many (tested at"

    def backward(self, dy):
        return [[2.0 * g for g in row] for row in super().backward(dy)]


# more than one symptom: a protocol finding and an independent wrong block


class DenseAccumulatesAndFlipsDx(Dense):
    """grads added to the last ones, and dx with the wrong sign."""

    component, block, diagnosis, words = "dense", "protocol", "accumulates", "added to what was there"
    also = {"dx": "sign-flip"}

    def backward(self, dy):
        before = {"W": self.grads["W"], "b": self.grads["b"]}
        dx = super().backward(dy)
        self.grads = {"W": [[a + b for a, b in zip(r, s)] for r, s in zip(before["W"], self.grads["W"])],
                      "b": [a + b for a, b in zip(before["b"], self.grads["b"])]}
        return [[-g for g in row] for row in dx]


class SigmoidInPlaceAndForgotY(Sigmoid):
    """forward writes y over x in place, and backward uses 1 - y."""

    component, block, diagnosis, words = "sigmoid", "protocol", "mutates-input", "build new lists"
    also = {"dx": "wrong-formula"}

    def forward(self, x):
        for row in x:
            row[:] = [1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)) for v in row]
        self.y = x
        return [list(row) for row in x]

    def backward(self, dy):
        return each(dy, self.y, lambda g, s: g * (1.0 - s))


class DenseJitteredAndBiasMean(Dense):
    """dW jittered by the global random state, and db averaged over the batch."""

    component, block, diagnosis, words = "dense", "protocol", "nondeterministic", "randomness or hidden state"
    also = {"db": "scale"}

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [[g * (1.0 + 1e-3 * random.random()) for g in row] for row in self.grads["W"]]
        self.grads["b"] = [g / len(dy) for g in self.grads["b"]]
        return dx


# unknown: no hypothesis fits, and the evidence says what the numbers support


class LeakyReLUAlphaTimesX(LeakyReLU):
    """dx = alpha x dy where x <= 0: the forward formula alpha x pasted into the derivative."""

    component, block, diagnosis, words = "leaky_relu", "dx", "unknown", "dx is right where x > 0 and wrong elsewhere"

    def backward(self, dy):
        return each(dy, self.x, lambda g, v: g if v > 0.0 else self.alpha * v * g)


class MSEPlusEpsilon(MSE):
    """dL/dp = 2 (p - t) / (N M) + 1e-3: an epsilon "for stability" added to the gradient."""

    component, block, diagnosis, words = "mse", "dy_pred", "unknown", "by the same amount, 0.001, in every entry"

    def backward(self):
        return [[g + 1e-3 for g in row] for row in super().backward()]


class TanhSechNotSquared(KeepsX, Tanh):
    """dx = dy / cosh(x): sech(x) where the derivative is sech(x)^2."""

    component, block, diagnosis, words = "tanh", "dx", "unknown", "the slope dx/dy it uses, against the true one"

    def backward(self, dy):
        return each(dy, self.x, lambda g, v: g / math.cosh(v))


GALLERY = [
    ReLUNoUpstream, LeakyReLUNoUpstream, SigmoidNoUpstream, TanhNoUpstream, IdentityReturnsOnes,
    DenseWeightsNoUpstream, NeuronWeightsNoUpstream,
    ReLUMaskFromDy, LeakyReLUMaskFromDy, TanhFormAtDy, SigmoidFormAtDy, TanhAtOutput,
    SoftmaxSigmoidStyle,
    TanhMissingParentheses, SigmoidMissingParentheses, SigmoidForgotY, TanhPlusSquare, TanhSquaredTwice,
    SigmoidSlopePlusHalf,
    MSEMissingTwoOverNM, MSEDividedByN, BCENotAveraged, SCEOverNM, DenseWeightsMean, NeuronBiasMean, SigmoidDoubled,
    DenseAccumulatesAndFlipsDx, SigmoidInPlaceAndForgotY, DenseJitteredAndBiasMean,
    LeakyReLUAlphaTimesX, MSEPlusEpsilon, TanhSechNotSquared,
]
