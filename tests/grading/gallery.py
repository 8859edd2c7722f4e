"""A gallery of whole submissions for every gradable component, each one a kind of answer a grade must rank.

Each class names its `component` and its `kind`: "trivial" (zeros of the
right shapes), "identity" or "constant" (an output that ignores the
component's maths), "consistent-wrong" (a plausible wrong forward with the
backward exactly right for it), "garbage-backward" (the spec's forward, a
random backward), "one-rule" (right maths with one rule of specs/protocol.md
broken, named by `rule` as the grader's check names it), "shape-special-cased"
(right only at the shapes the fixed checks used) and "correct". GALLERY lists
them all, with the classes of tests/correct_implementations.py reused here.

A class overrides only what is wrong in the reference class it subclasses;
the mixins below carry a bug shared by several components. It is one module,
as tests/planted.py is, because a submission file (tests/grading/sources.py)
holds a whole module. The reference modules such a file carries
(checks/grading/samples.sample_modules()) have no Momentum or Adam, so
MomentumLoops and AdamLoops are written out and the other optimizers of
those components subclass them.
"""
import math
import random

from reference import (MSE, SGD, BinaryCrossEntropy, Dense, Identity, LeakyReLU, Neuron, ReLU, Sequential, Sigmoid,
                       Softmax, SoftmaxCrossEntropy, Tanh)
from reference.initializers import he_normal
from reference.parameters import rows, zeros_like
from reference.sigmoid import sigmoid
from reference.softmax import softmax_row
from reference.tensor import matmul
from tests.correct_implementations import (BCEClipped, ColumnDense, IdentityByMap, LeakyReLUOneAtZero, LoopDense,
                                           MSELoops, ReLUHalfAtZero, ReLUOneAtZero, SCELogSoftmax, SigmoidKeepsInput,
                                           SoftmaxJacobian, TanhFromExp)


def zeros_shaped(a):
    """A new matrix or vector of 0.0 with the shape of a."""
    return [zeros_shaped(v) for v in a] if isinstance(a, list) else 0.0


def noise_shaped(a, rng):
    """A new matrix or vector with the shape of a, of Gaussian numbers from rng."""
    return [noise_shaped(v, rng) for v in a] if isinstance(a, list) else rng.gauss(0.0, 1.0)


def copied(a):
    """A new matrix or vector with the entries of a."""
    return [copied(v) for v in a] if isinstance(a, list) else a


def scaled(a, c):
    """c a, entry by entry, for matrices and vectors."""
    return [scaled(v, c) for v in a] if isinstance(a, list) else c * a


def added(a, b):
    """a + b entry by entry, for matrices and vectors."""
    return [added(u, v) for u, v in zip(a, b)] if isinstance(a, list) else a + b


# Mixins: each changes one thing of the reference class it is listed before.

class Zeros:
    """y = 0 with the shape of the spec's y; dx = 0 and every grad 0."""

    kind = "trivial"

    def forward(self, x):
        self.x_zeros = zeros_shaped(x)
        return zeros_shaped(super().forward(x))

    def backward(self, dy):
        for name, p in self.params.items():
            self.grads[name] = zeros_shaped(p)
        return zeros_shaped(self.x_zeros)


class RandomBackward:
    """The spec's forward; dx and every grad are seeded Gaussian noise of the right shapes."""

    kind = "garbage-backward"

    def forward(self, x):
        self.x_shaped = zeros_shaped(x)
        return super().forward(x)

    def backward(self, dy):
        rng = random.Random(2024)
        for name, p in self.params.items():
            self.grads[name] = noise_shaped(p, rng)
        return noise_shaped(self.x_shaped, rng)


class AddsToGrads:
    """grads += the new gradients: each backward adds to what the last one left."""

    kind, rule = "one-rule", "overwrite"

    def backward(self, dy):
        before = {name: copied(g) for name, g in self.grads.items()}
        dx = super().backward(dy)
        for name, g in before.items():
            self.grads[name] = added(g, self.grads[name])
        return dx


class RoundsDy:
    """backward rounds the caller's dy in place to 15 significant digits, then is right for the rounded dy."""

    kind, rule = "one-rule", "no-mutation"

    def backward(self, dy):
        for row in dy:
            row[:] = [float(f"{g:.15g}") for g in row]
        return super().backward(dy)


class JittersOutput:
    """y (1 - 1e-13 u), u drawn once per instance from the global random state: two instances never agree."""

    kind, rule = "one-rule", "determinism"

    def __init__(self, *args):
        super().__init__(*args)
        self.jitter = 1.0 - 1e-13 * random.random()

    def forward(self, x):
        return [[v * self.jitter for v in row] for row in super().forward(x)]


class FirstBatchOnly:
    """x is cached on the first forward only, so backward after a second forward uses the old batch."""

    kind, rule = "one-rule", "fresh-cache"

    def forward(self, x):
        kept = getattr(self, "first_x", None) or x
        self.first_x = kept
        y = super().forward(x)
        self.x = kept
        return y


class ShapeSpecialCased:
    """Right when x has a width in `widths`; otherwise the last column of x is read as 0: dx there is 0 too."""

    kind = "shape-special-cased"

    def forward(self, x):
        self.off_shape = len(x[0]) not in self.widths
        return super().forward([row[:-1] + [0.0] for row in x] if self.off_shape else x)

    def backward(self, dy):
        dx = super().backward(dy)
        return [row[:-1] + [0.0] for row in dx] if self.off_shape else dx


class PassThrough:
    """y = x, dx = dy: the identity, whatever the component's maths."""

    kind = "identity"

    def __init__(self, *args):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return [list(row) for row in x]

    def backward(self, dy):
        return [list(row) for row in dy]


class Halves:
    """y = 1/2 everywhere, dx = 0: a constant output."""

    kind = "constant"

    def __init__(self, *args):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return [[0.5] * len(row) for row in x]

    def backward(self, dy):
        return zeros_shaped(dy)


# Neuron: y = x w + b, x (N, D) -> y (N, 1).

class NeuronZeros(Zeros, Neuron):
    """y = 0 (N, 1), dx = 0, dw = 0, db = 0."""

    component = "neuron"


class NeuronBiasOnly(Neuron):
    """y = b in every row, whatever x: dw = 0, dx = 0, db = sum_n dy[n]."""

    component, kind = "neuron", "constant"

    def forward(self, x):
        self.x = x
        return [list(self.params["b"]) for _ in x]

    def backward(self, dy):
        self.grads["w"] = [0.0] * len(self.params["w"])
        self.grads["b"] = [sum(row[0] for row in dy)]
        return zeros_shaped(self.x)


class NeuronNoBias(Neuron):
    """y = x w, forgetting b; dw = x^T . dy and db = 0 are right for it."""

    component, kind = "neuron", "consistent-wrong"

    def forward(self, x):
        self.x = x
        return [[sum(v * w for v, w in zip(row, self.params["w"]))] for row in x]

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [0.0]
        return dx


class NeuronRandomBackward(RandomBackward, Neuron):
    """y = x w + b; dx, dw and db are random."""

    component = "neuron"


class NeuronAddsToGrads(AddsToGrads, Neuron):
    """dw += x^T . dy and db += sum_n dy[n]: grads accumulate over backward calls."""

    component = "neuron"


class NeuronShapeSpecialCased(ShapeSpecialCased, Neuron):
    """y = x w + b only for D in {3, 5}; for other D the last input is dropped."""

    component, widths = "neuron", (3, 5)


class NeuronHeLoops(Neuron):
    """y = x w + b with explicit loops and He-normal initial weights from seed + 3."""

    component, kind = "neuron", "correct"

    def __init__(self, n_in, seed=0):
        super().__init__(n_in, seed + 3, he_normal)

    def forward(self, x):
        self.x = [list(row) for row in x]
        y = []
        for row in x:
            total = self.params["b"][0]
            for v, w in zip(row, self.params["w"]):
                total += v * w
            y.append([total])
        return y


# Dense: y = x W + b, x (N, D) -> y (N, M).

class DenseZeros(Zeros, Dense):
    """y = 0 (N, M), dx = 0, dW = 0, db = 0."""

    component = "dense"


class DenseBiasOnly(Dense):
    """y = b in every row, whatever x: dW = 0, dx = 0, db = sum_n dy[n]."""

    component, kind = "dense", "constant"

    def forward(self, x):
        self.x = x
        return [list(self.params["b"]) for _ in x]

    def backward(self, dy):
        super().backward(dy)
        self.grads["W"] = zeros_shaped(self.params["W"])
        return zeros_shaped(self.x)


class DenseNoBias(Dense):
    """y = x W, forgetting b; dW = x^T . dy and db = 0 are right for it."""

    component, kind = "dense", "consistent-wrong"

    def forward(self, x):
        self.x = x
        return matmul(x, self.params["W"])

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [0.0] * len(self.params["b"])
        return dx


class DenseRandomBackward(RandomBackward, Dense):
    """y = x W + b; dx, dW and db are random."""

    component = "dense"


class DenseAddsToGrads(AddsToGrads, Dense):
    """dW += x^T . dy and db += sum_n dy[n]: grads accumulate over backward calls."""

    component = "dense"


class DenseFirstBatchOnly(FirstBatchOnly, Dense):
    """dW = x1^T . dy with x1 the first batch ever seen, not the latest."""

    component = "dense"


class DenseShapeSpecialCased(ShapeSpecialCased, Dense):
    """y = x W + b only for D in {3, 5, 8}; for other D the last input is dropped."""

    component, widths = "dense", (3, 5, 8)


class DenseHeNormal(Dense):
    """y = x W + b, with He-normal initial weights from seed + 5 instead of Xavier-uniform from seed."""

    component, kind = "dense", "correct"

    def __init__(self, n_in, n_out, seed=0):
        super().__init__(n_in, n_out, seed + 5, he_normal)


# Identity: y = x.

class IdentityZeros(Zeros, Identity):
    """y = 0, dx = 0."""

    component = "identity"


class IdentityHalves(Halves):
    """y = 1/2, dx = 0."""

    component = "identity"


class IdentityDoubled(Identity):
    """y = 2 x; dx = 2 dy is right for it."""

    component, kind = "identity", "consistent-wrong"

    def forward(self, x):
        return [[2.0 * v for v in row] for row in x]

    def backward(self, dy):
        return [[2.0 * g for g in row] for row in dy]


class IdentityRandomBackward(RandomBackward, Identity):
    """y = x; dx is random."""

    component = "identity"


class IdentityRoundsDy(RoundsDy, Identity):
    """dx = dy, after rounding the caller's dy in place."""

    component = "identity"


# Sigmoid: y = 1 / (1 + exp(-x)).

class SigmoidZeros(Zeros, Sigmoid):
    """y = 0, dx = 0."""

    component = "sigmoid"


class SigmoidIdentity(PassThrough):
    """y = x, dx = dy."""

    component = "sigmoid"


class SigmoidHalves(Halves):
    """y = 1/2 = sigma(0) whatever x, dx = 0."""

    component = "sigmoid"


class SigmoidOfTwoX(Sigmoid):
    """y = sigma(2 x); dx = 2 dy y (1 - y) is right for it."""

    component, kind = "sigmoid", "consistent-wrong"

    def forward(self, x):
        return super().forward([[2.0 * v for v in row] for row in x])

    def backward(self, dy):
        return [[2.0 * g for g in row] for row in super().backward(dy)]


class SigmoidRandomBackward(RandomBackward, Sigmoid):
    """y = sigma(x); dx is random."""

    component = "sigmoid"


class SigmoidOneFormula(Sigmoid):
    """y = 1 / (1 + exp(-x)) in one form: exp(-x) overflows at x = -1e4."""

    component, kind, rule = "sigmoid", "one-rule", "stability"

    def forward(self, x):
        self.y = [[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x]
        return self.y


class SigmoidViaTanh(Sigmoid):
    """y = (1 + tanh(x / 2)) / 2, which never overflows; dx = dy y (1 - y)."""

    component, kind = "sigmoid", "correct"

    def forward(self, x):
        self.y = [[0.5 * (1.0 + math.tanh(0.5 * v)) for v in row] for row in x]
        return self.y


# Tanh: y = tanh(x).

class TanhZeros(Zeros, Tanh):
    """y = 0, dx = 0."""

    component = "tanh"


class TanhIdentity(PassThrough):
    """y = x, dx = dy: tanh's slope at 0, everywhere."""

    component = "tanh"


class TanhOfHalfX(Tanh):
    """y = tanh(x / 2); dx = dy (1 - y^2) / 2 is right for it."""

    component, kind = "tanh", "consistent-wrong"

    def forward(self, x):
        return super().forward([[0.5 * v for v in row] for row in x])

    def backward(self, dy):
        return [[0.5 * g for g in row] for row in super().backward(dy)]


class TanhRandomBackward(RandomBackward, Tanh):
    """y = tanh(x); dx is random."""

    component = "tanh"


class TanhJittered(JittersOutput, Tanh):
    """y = tanh(x) (1 - 1e-13 u), u drawn by each instance from the global random state."""

    component = "tanh"


class TanhExpRatio(Tanh):
    """y = (exp(x) - exp(-x)) / (exp(x) + exp(-x)): exp overflows at |x| = 1e4."""

    component, kind, rule = "tanh", "one-rule", "stability"

    def forward(self, x):
        self.y = [[(math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v)) for v in row] for row in x]
        return self.y


class TanhViaSigmoid(Tanh):
    """y = 2 sigma(2 x) - 1 with the stable sigmoid; dx = dy (1 - y^2)."""

    component, kind = "tanh", "correct"

    def forward(self, x):
        self.y = [[2.0 * sigmoid(2.0 * v) - 1.0 for v in row] for row in x]
        return self.y


# ReLU: y = max(x, 0).

class ReLUZeros(Zeros, ReLU):
    """y = 0, dx = 0."""

    component = "relu"


class ReLUIdentity(PassThrough):
    """y = x, dx = dy: ReLU for positive x, everywhere."""

    component = "relu"


class ReLUSlopeOnNegatives(ReLU):
    """y = x if x > 0 else 0.01 x (a leaky ReLU); dx = dy or 0.01 dy is right for it."""

    component, kind = "relu", "consistent-wrong"

    def forward(self, x):
        self.x = x
        return [[v if v > 0.0 else 0.01 * v for v in row] for row in x]

    def backward(self, dy):
        return [[g if v > 0.0 else 0.01 * g for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


class ReLUClipsInput(ReLU):
    """Keeps a copy of x, then clips the caller's x to max(x, 0) in place."""

    component, kind, rule = "relu", "one-rule", "no-mutation"

    def forward(self, x):
        y = super().forward([list(row) for row in x])
        for row in x:
            row[:] = [max(v, 0.0) for v in row]
        return y


class ReLURandomBackward(RandomBackward, ReLU):
    """y = max(x, 0); dx is random."""

    component = "relu"


class ReLUFirstBatchOnly(FirstBatchOnly, ReLU):
    """dx = dy [x1 > 0] with x1 the first batch ever seen, not the latest."""

    component = "relu"


# LeakyReLU: y = x if x > 0 else alpha x.

class LeakyReLUZeros(Zeros, LeakyReLU):
    """y = 0, dx = 0."""

    component = "leaky_relu"


class LeakyReLUIdentity(PassThrough):
    """y = x, dx = dy: alpha taken as 1."""

    component = "leaky_relu"


class LeakyReLUFixedAlpha(LeakyReLU):
    """alpha = 0.1 whatever the constructor says; dx = dy or 0.1 dy is right for that."""

    component, kind = "leaky_relu", "consistent-wrong"

    def __init__(self, alpha=0.01):
        super().__init__(0.1)


class LeakyReLURandomBackward(RandomBackward, LeakyReLU):
    """y = x or alpha x; dx is random."""

    component = "leaky_relu"


class LeakyReLUFirstBatchOnly(FirstBatchOnly, LeakyReLU):
    """dx = dy or alpha dy, chosen by the sign of the first batch ever seen, not the latest."""

    component = "leaky_relu"


class LeakyReLUAsMax(LeakyReLU):
    """y = max(x, alpha x) for 0 < alpha < 1; LeakyReLU'(0) = 1."""

    component, kind = "leaky_relu", "correct"

    def forward(self, x):
        self.x = x
        return [[max(v, self.alpha * v) for v in row] for row in x]

    def backward(self, dy):
        return [[g if v >= 0.0 else self.alpha * g for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


# Softmax: y_ij = exp(x_ij) / sum_k exp(x_ik), row by row.

class SoftmaxZeros(Zeros, Softmax):
    """y = 0, dx = 0."""

    component = "softmax"


class SoftmaxIdentity(PassThrough):
    """y = x, dx = dy."""

    component = "softmax"


class SoftmaxUniform(Softmax):
    """y = 1 / C in every entry, whatever x; dx = 0."""

    component, kind = "softmax", "constant"

    def forward(self, x):
        self.y = [[1.0 / len(row)] * len(row) for row in x]
        return self.y

    def backward(self, dy):
        return zeros_shaped(dy)


class SoftmaxOverColumns(Softmax):
    """y_ij = exp(x_ij) / sum_n exp(x_nj): normalised over the batch, not the row; dx is right for it."""

    component, kind = "softmax", "consistent-wrong"

    def forward(self, x):
        return [list(column) for column in zip(*super().forward([list(column) for column in zip(*x)]))]

    def backward(self, dy):
        return [list(column) for column in zip(*super().backward([list(column) for column in zip(*dy)]))]


class SoftmaxRandomBackward(RandomBackward, Softmax):
    """y = softmax(x); dx is random."""

    component = "softmax"


class SoftmaxNoShift(Softmax):
    """exp(x_j) / sum_k exp(x_k) without subtracting max x: exp overflows at x = 1e4."""

    component, kind, rule = "softmax", "one-rule", "stability"

    def forward(self, x):
        self.y = []
        for row in x:
            e = [math.exp(v) for v in row]
            total = sum(e)
            self.y.append([v / total for v in e])
        return self.y


class SoftmaxShapeSpecialCased(ShapeSpecialCased, Softmax):
    """Row softmax only for C in {2, 3}; for other C the last logit is read as 0."""

    component, widths = "softmax", (2, 3)


class SoftmaxLogSumExp(Softmax):
    """y_j = exp(x_j - logsumexp(x)), logsumexp(x) = m + log sum_k exp(x_k - m) with m = max x."""

    component, kind = "softmax", "correct"

    def forward(self, x):
        self.y = []
        for row in x:
            top = max(row)
            log_total = top + math.log(math.fsum(math.exp(v - top) for v in row))
            self.y.append([math.exp(v - log_total) for v in row])
        return self.y


# Sequential: y = layer_K( ... layer_1(x)).

class SequentialZeros(Zeros, Sequential):
    """y = 0 with the network's output shape, dx = 0, every grad 0."""

    component = "sequential"


class SequentialSkipsLast(Sequential):
    """Applies every layer but the last (an off-by-one); backward runs through the same layers, right for it."""

    component, kind = "sequential", "consistent-wrong"

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in reversed(self.layers[:-1]):
            dy = layer.backward(dy)
        return dy


class SequentialRandomBackward(RandomBackward, Sequential):
    """y through the layers in order; dx and every grad are random."""

    component = "sequential"


class SequentialAddsToGrads(AddsToGrads, Sequential):
    """grads["<index>.<name>"] += each layer's new gradient: grads accumulate over backward calls."""

    component = "sequential"


class SequentialRoundsDy(RoundsDy, Sequential):
    """Backward through the layers in reverse, after rounding the caller's dy in place."""

    component = "sequential"


class SequentialShapeSpecialCased(ShapeSpecialCased, Sequential):
    """The layers in order only for D in {3, 5}; for other D the last input column is read as 0."""

    component, widths = "sequential", (3, 5)


class SequentialByIndex(Sequential):
    """The layers in order, walked by index: forward i = 0 .. K-1, backward i = K-1 .. 0."""

    component, kind = "sequential", "correct"

    def forward(self, x):
        for i in range(len(self.layers)):
            x = self.layers[i].forward(x)
        return x

    def backward(self, dy):
        for i in range(len(self.layers) - 1, -1, -1):
            dy = self.layers[i].backward(dy)
        return dy


# Losses: forward(y_pred, y_true) -> L, backward() -> dL/dy_pred.

class ZeroLoss:
    """L = 0 and dL/dy_pred = 0 with the shape of y_pred."""

    kind = "trivial"

    def forward(self, y_pred, y_true):
        self.zeros = zeros_shaped(y_pred)
        return 0.0

    def backward(self):
        return zeros_shaped(self.zeros)


class ConstantLoss(ZeroLoss):
    """L = VALUE whatever the inputs; dL/dy_pred = 0 is right for it."""

    kind = "constant"

    def forward(self, y_pred, y_true):
        super().forward(y_pred, y_true)
        return self.VALUE


class RandomGradientLoss:
    """The spec's L; dL/dy_pred is seeded Gaussian noise of its shape."""

    kind = "garbage-backward"

    def forward(self, y_pred, y_true):
        self.shaped = zeros_shaped(y_pred)
        return super().forward(y_pred, y_true)

    def backward(self):
        return noise_shaped(self.shaped, random.Random(2024))


class JittersLoss:
    """L (1 - 1e-13 u), u drawn once per instance from the global random state: two instances never agree."""

    kind, rule = "one-rule", "determinism"

    def __init__(self):
        super().__init__()
        self.jitter = 1.0 - 1e-13 * random.random()

    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) * self.jitter


class MSEZeros(ZeroLoss):
    """L = 0, dL/dp = 0."""

    component = "mse"


class MSEConstant(ConstantLoss):
    """L = 1 whatever p and t, dL/dp = 0."""

    component, VALUE = "mse", 1.0


class MSESum(MSE):
    """L = sum_ij (p_ij - t_ij)^2, a sum, not the mean; dL/dp = 2 (p - t) is right for it."""

    component, kind = "mse", "consistent-wrong"

    def forward(self, y_pred, y_true):
        count = len(y_pred) * len(y_pred[0])
        return super().forward(y_pred, y_true) * count

    def backward(self):
        return [[2.0 * r for r in row] for row in self.residual]


class MSERandomGradient(RandomGradientLoss, MSE):
    """L = mean (p - t)^2; dL/dp is random."""

    component = "mse"


class MSEJittered(JittersLoss, MSE):
    """L = mean (p - t)^2 (1 - 1e-13 u), u drawn by each instance from the global random state."""

    component = "mse"


class MSEShapeSpecialCased(MSE):
    """L = mean (p - t)^2 only for M in {1, 2}; for other M the last column of p is read as 0."""

    component, kind = "mse", "shape-special-cased"

    def forward(self, y_pred, y_true):
        self.off_shape = len(y_pred[0]) not in (1, 2)
        return super().forward([row[:-1] + [0.0] for row in y_pred] if self.off_shape else y_pred, y_true)

    def backward(self):
        dp = super().backward()
        return [row[:-1] + [0.0] for row in dp] if self.off_shape else dp


class BCEZeros(ZeroLoss):
    """L = 0, dL/dp = 0."""

    component = "binary_cross_entropy"


class BCEConstant(ConstantLoss):
    """L = log 2, the loss of p = 1/2, whatever p and t; dL/dp = 0."""

    component, VALUE = "binary_cross_entropy", math.log(2.0)


class BCELog10(BinaryCrossEntropy):
    """L = -mean( t log10 p + (1 - t) log10(1 - p) ); dL/dp = (p - t) / (p (1 - p) N M ln 10) is right for it."""

    component, kind = "binary_cross_entropy", "consistent-wrong"

    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) / math.log(10.0)

    def backward(self):
        return [[g / math.log(10.0) for g in row] for row in super().backward()]


class BCERandomGradient(RandomGradientLoss, BinaryCrossEntropy):
    """L = binary cross-entropy; dL/dp is random."""

    component = "binary_cross_entropy"


class BCEUnclamped(BinaryCrossEntropy):
    """log p and log(1 - p) without a clamp: log 0 raises at p = 0 or 1."""

    component, kind, rule = "binary_cross_entropy", "one-rule", "stability"

    def forward(self, y_pred, y_true):
        self.p, self.t = y_pred, y_true
        total = math.fsum(t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
                          for p_row, t_row in zip(y_pred, y_true) for p, t in zip(p_row, t_row))
        return -total / (len(y_pred) * len(y_pred[0]))

    def backward(self):
        count = len(self.p) * len(self.p[0])
        return [[(p - t) / (p * (1.0 - p) * count) for p, t in zip(p_row, t_row)]
                for p_row, t_row in zip(self.p, self.t)]


class BCELogFloor(BinaryCrossEntropy):
    """log clamped as log max(v, 1e-7) instead of at exp(-100); dL/dp as the spec's."""

    component, kind = "binary_cross_entropy", "correct"

    def forward(self, y_pred, y_true):
        self.p, self.t = y_pred, y_true
        total = math.fsum(t * math.log(max(p, 1e-7)) + (1.0 - t) * math.log(max(1.0 - p, 1e-7))
                          for p_row, t_row in zip(y_pred, y_true) for p, t in zip(p_row, t_row))
        return -total / (len(y_pred) * len(y_pred[0]))


class SCEZeros(ZeroLoss):
    """L = 0, dL/dz = 0."""

    component = "softmax_cross_entropy"


class SCEConstant(ConstantLoss):
    """L = log 3, the loss of equal logits over three classes, whatever z; dL/dz = 0."""

    component, VALUE = "softmax_cross_entropy", math.log(3.0)


class SCEMeanOverClasses(SoftmaxCrossEntropy):
    """L divided by N C, a mean over classes too; dL/dz = (p - onehot) / (N C) is right for it."""

    component, kind = "softmax_cross_entropy", "consistent-wrong"

    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) / len(y_pred[0])

    def backward(self):
        return [[g / len(row) for g in row] for row in super().backward()]


class SCERandomGradient(RandomGradientLoss, SoftmaxCrossEntropy):
    """L = softmax cross-entropy; dL/dz is random."""

    component = "softmax_cross_entropy"


class SCENoShift(SoftmaxCrossEntropy):
    """log sum_k exp(z_k) - z_c without the max shift: exp overflows at logits of 1e4."""

    component, kind, rule = "softmax_cross_entropy", "one-rule", "stability"

    def forward(self, y_pred, y_true):
        self.labels = list(y_true)
        self.p = [softmax_row(z) for z in y_pred]
        total = math.fsum(math.log(math.fsum(math.exp(v) for v in z)) - z[c] for z, c in zip(y_pred, y_true))
        return total / len(y_pred)


class SCEJittered(JittersLoss, SoftmaxCrossEntropy):
    """L = softmax cross-entropy (1 - 1e-13 u), u drawn by each instance from the global random state."""

    component = "softmax_cross_entropy"


# Optimizers: step(params, grads) edits params in place.

class MomentumLoops:
    """v <- beta v + g, then p <- p - lr v, with explicit index loops; one v per parameter name."""

    component, kind = "momentum", "correct"

    def __init__(self, lr, beta=0.9):
        self.lr, self.beta, self.velocity = lr, beta, {}

    def step(self, params, grads):
        for name, p in params.items():
            v = self.velocity.setdefault(name, zeros_like(p))
            for p_row, g_row, v_row in rows(p, grads[name], v):
                for j in range(len(p_row)):
                    v_row[j] = self.beta * v_row[j] + g_row[j]  # v <- beta v + dL/dp
                    p_row[j] = p_row[j] - self.lr * v_row[j]  # p <- p - lr v


class AdamLoops:
    """p <- p - lr m_hat / (sqrt(v_hat) + eps), with explicit index loops and a step count t per name."""

    component, kind = "adam", "correct"

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, {}

    def corrections(self, name):
        """(1 - beta1^t, 1 - beta2^t) after counting one more step of name."""
        self.t[name] = self.t.get(name, 0) + 1
        return 1.0 - self.beta1 ** self.t[name], 1.0 - self.beta2 ** self.t[name]

    def step(self, params, grads):
        for name, p in params.items():
            m, v = self.m.setdefault(name, zeros_like(p)), self.v.setdefault(name, zeros_like(p))
            c1, c2 = self.corrections(name)
            for p_row, g_row, m_row, v_row in rows(p, grads[name], m, v):
                for j, g in enumerate(g_row):
                    m_row[j] = self.beta1 * m_row[j] + (1.0 - self.beta1) * g  # m <- beta1 m + (1 - beta1) g
                    v_row[j] = self.beta2 * v_row[j] + (1.0 - self.beta2) * g * g  # v <- beta2 v + (1 - beta2) g^2
                    p_row[j] -= self.lr * (m_row[j] / c1) / (math.sqrt(v_row[j] / c2) + self.eps)


class SGDLoops(SGD):
    """p <- p - lr g, walking matrices and vectors by index."""

    component, kind = "sgd", "correct"

    def step(self, params, grads):
        for name, p in params.items():
            for p_row, g_row in rows(p, grads[name]):
                for j in range(len(p_row)):
                    p_row[j] = p_row[j] - self.lr * g_row[j]


class StandsStill:
    """step does nothing: p stays as it is."""

    kind = "trivial"

    def __init__(self, lr, *args):
        self.lr = lr

    def step(self, params, grads):
        pass


class RandomStep:
    """p <- p - lr u, u seeded Gaussian noise of p's shape: a step in a random direction."""

    kind = "garbage-backward"

    def __init__(self, lr, *args):
        self.lr, self.rng = lr, random.Random(2024)

    def step(self, params, grads):
        for p in params.values():
            for (p_row,) in rows(p):
                for j in range(len(p_row)):
                    p_row[j] -= self.lr * self.rng.gauss(0.0, 1.0)


class ReplacesParams:
    """The right update, written into new lists bound to params[name]: the layers' own lists never change."""

    kind, rule = "one-rule", "in-place"

    def step(self, params, grads):
        for name in list(params):
            params[name] = [list(row) if isinstance(row, list) else row for row in params[name]]
        super().step(params, grads)


class SGDStandsStill(StandsStill):
    """p <- p."""

    component = "sgd"


class SGDDoubleRate(SGD):
    """p <- p - 2 lr g: the rate doubled."""

    component, kind = "sgd", "consistent-wrong"

    def step(self, params, grads):
        for name, p in params.items():
            for p_row, g_row in rows(p, grads[name]):
                for j, g in enumerate(g_row):
                    p_row[j] -= 2.0 * self.lr * g


class SGDRandomStep(RandomStep):
    """p <- p - lr u, u random."""

    component = "sgd"


class SGDReplacesParams(ReplacesParams, SGD):
    """p <- p - lr g into new lists: params[name] is rebound, not edited."""

    component = "sgd"


class MomentumStandsStill(StandsStill):
    """p <- p."""

    component = "momentum"


class MomentumDamped(MomentumLoops):
    """v <- beta v + (1 - beta) g (a moving average), then p <- p - lr v: every step (1 - beta) times too short."""

    component, kind = "momentum", "consistent-wrong"

    def step(self, params, grads):
        super().step(params, {name: scaled(grads[name], 1.0 - self.beta) for name in params})


class MomentumRandomStep(RandomStep):
    """p <- p - lr u, u random."""

    component = "momentum"


class MomentumReplacesParams(ReplacesParams, MomentumLoops):
    """v <- beta v + g, p <- p - lr v into new lists: params[name] is rebound, not edited."""

    component = "momentum"


class AdamStandsStill(StandsStill):
    """p <- p."""

    component = "adam"


class AdamUncorrected(AdamLoops):
    """p <- p - lr m / (sqrt(v) + eps): no bias correction, so the first steps are sqrt(1 - beta2) / (1 - beta1) off."""

    component, kind = "adam", "consistent-wrong"

    def corrections(self, name):
        return 1.0, 1.0


class AdamRandomStep(RandomStep):
    """p <- p - lr u, u random."""

    component = "adam"


class AdamReplacesParams(ReplacesParams, AdamLoops):
    """Adam's update into new lists: params[name] is rebound, not edited."""

    component = "adam"


REUSED_CORRECT = [LoopDense, ColumnDense, ReLUOneAtZero, ReLUHalfAtZero, LeakyReLUOneAtZero, SigmoidKeepsInput,
                  TanhFromExp, SoftmaxJacobian, MSELoops, BCEClipped, SCELogSoftmax, IdentityByMap]

GALLERY = [
    NeuronZeros, NeuronBiasOnly, NeuronNoBias, NeuronRandomBackward, NeuronAddsToGrads, NeuronShapeSpecialCased,
    NeuronHeLoops,
    DenseZeros, DenseBiasOnly, DenseNoBias, DenseRandomBackward, DenseAddsToGrads, DenseFirstBatchOnly,
    DenseShapeSpecialCased, DenseHeNormal,
    IdentityZeros, IdentityHalves, IdentityDoubled, IdentityRandomBackward, IdentityRoundsDy,
    SigmoidZeros, SigmoidIdentity, SigmoidHalves, SigmoidOfTwoX, SigmoidRandomBackward, SigmoidOneFormula,
    SigmoidViaTanh,
    TanhZeros, TanhIdentity, TanhOfHalfX, TanhRandomBackward, TanhJittered, TanhExpRatio, TanhViaSigmoid,
    ReLUZeros, ReLUIdentity, ReLUSlopeOnNegatives, ReLURandomBackward, ReLUFirstBatchOnly, ReLUClipsInput,
    LeakyReLUZeros, LeakyReLUIdentity, LeakyReLUFixedAlpha, LeakyReLURandomBackward, LeakyReLUFirstBatchOnly,
    LeakyReLUAsMax,
    SoftmaxZeros, SoftmaxIdentity, SoftmaxUniform, SoftmaxOverColumns, SoftmaxRandomBackward, SoftmaxNoShift,
    SoftmaxShapeSpecialCased, SoftmaxLogSumExp,
    SequentialZeros, SequentialSkipsLast, SequentialRandomBackward, SequentialAddsToGrads, SequentialRoundsDy,
    SequentialShapeSpecialCased, SequentialByIndex,
    MSEZeros, MSEConstant, MSESum, MSERandomGradient, MSEJittered, MSEShapeSpecialCased,
    BCEZeros, BCEConstant, BCELog10, BCERandomGradient, BCEUnclamped, BCELogFloor,
    SCEZeros, SCEConstant, SCEMeanOverClasses, SCERandomGradient, SCENoShift, SCEJittered,
    SGDStandsStill, SGDDoubleRate, SGDRandomStep, SGDReplacesParams, SGDLoops,
    MomentumStandsStill, MomentumDamped, MomentumRandomStep, MomentumReplacesParams, MomentumLoops,
    AdamStandsStill, AdamUncorrected, AdamRandomStep, AdamReplacesParams, AdamLoops,
    *REUSED_CORRECT,
]
