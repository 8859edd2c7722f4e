"""Planted wrong implementations of the course's first components (tests/planted.py says what each class carries)."""
import math
import random

from reference import (MSE, BatchNorm, BinaryCrossEntropy, Dense, Dropout, LayerNorm, LeakyReLU, Neuron, ReLU,
                       Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh)
from reference.layer_norm import moments, normalized, through_normalization
from reference.sigmoid import sigmoid
from reference.tensor import add_row, column_sums, matmul, transpose


class NeuronSignFlip(Neuron):
    """dw with the wrong sign: dL/dw = -x^T . dy."""

    component, block, diagnosis = "neuron", "dw", "sign-flip"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["w"] = [-g for g in self.grads["w"]]
        return dx


class NeuronBiasNotSummed(Neuron):
    """db taken from the first row of dy instead of the sum over the batch."""

    component, block, diagnosis = "neuron", "db", "single-sample"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [dy[0][0]]
        return dx


class DenseSignFlip(Dense):
    """dW with the wrong sign: dL/dW = -x^T . dy."""

    component, block, diagnosis = "dense", "dW", "sign-flip"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [[-g for g in row] for row in self.grads["W"]]
        return dx


class DenseTransposed(Dense):
    """dW computed as dy^T . x, the transpose of x^T . dy."""

    component, block, diagnosis = "dense", "dW", "transposed"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = matmul(transpose(dy), self.x)
        return dx


class DenseBiasNotSummed(Dense):
    """db taken from the first row of dy instead of the sum over the batch."""

    component, block, diagnosis = "dense", "db", "single-sample"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = list(dy[0])
        return dx


class DenseBiasMean(Dense):
    """db averaged over the batch instead of summed: off by a factor 1/N."""

    component, block, diagnosis = "dense", "db", "scale"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [g / len(dy) for g in self.grads["b"]]
        return dx


class DenseNoInputGradient(Dense):
    """dx left as zeros: the layers below never learn."""

    component, block, diagnosis = "dense", "dx", "zero-gradient"

    def backward(self, dy):
        super().backward(dy)
        return [[0.0] * len(row) for row in self.x]


class SigmoidAtOutput(Sigmoid):
    """sigma'(y) instead of sigma'(x): the derivative evaluated at the output."""

    component, block, diagnosis = "sigmoid", "dx", "wrong-input"

    def backward(self, dy):
        return [[g * sigmoid(s) * (1.0 - sigmoid(s)) for g, s in zip(gr, yr)] for gr, yr in zip(dy, self.y)]


class TanhAtInput(Tanh):
    """1 - x^2 instead of 1 - y^2: the output form of the derivative applied to the input."""

    component, block, diagnosis = "tanh", "dx", "wrong-input"

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dy):
        return [[g * (1.0 - v * v) for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class ReLUSignFlip(ReLU):
    """dx = -dy where x > 0."""

    component, block, diagnosis = "relu", "dx", "sign-flip"

    def backward(self, dy):
        return [[-g for g in row] for row in super().backward(dy)]


class MSEMissingTwo(MSE):
    """dL/dp = (p - t) / (N M): the factor 2 of the square is missing."""

    component, block, diagnosis = "mse", "dy_pred", "scale"

    def backward(self):
        return [[g / 2.0 for g in row] for row in super().backward()]


class MSEOverRowsOnly(MSE):
    """dL/dp = (p - t) / N: averaged over the rows only, and the 2 dropped; equal to the spec's when M = 2."""

    component, block, diagnosis = "mse", "dy_pred", "scale"

    def backward(self):
        return [[r / len(self.residual) for r in row] for row in self.residual]


class BCESignFlip(BinaryCrossEntropy):
    """dL/dp = (t - p) / (p (1 - p) N): the sign is reversed."""

    component, block, diagnosis = "binary_cross_entropy", "dy_pred", "sign-flip"

    def backward(self):
        return [[-g for g in row] for row in super().backward()]


class SCENotAveraged(SoftmaxCrossEntropy):
    """dL/dz = p - onehot, not divided by N although the loss is a mean."""

    component, block, diagnosis = "softmax_cross_entropy", "dy_pred", "scale"

    def backward(self):
        n = len(self.p)
        return [[g * n for g in row] for row in super().backward()]


class DenseTransposedSquare(Dense):
    """A square Dense (n_out is taken equal to n_in) whose dW is dy^T . x: only the values show the transpose."""

    component, block, diagnosis = "dense", "dW", "transposed"

    def __init__(self, n_in, n_out, seed=0):
        super().__init__(n_in, n_in, seed)

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = matmul(transpose(dy), self.x)
        return dx


class DenseBiasKeepdims(Dense):
    """db kept as a (1, M) matrix, as numpy's keepdims would, instead of a vector (M,)."""

    component, block, diagnosis = "dense", "db", "shape"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [column_sums(dy)]
        return dx


class DenseStaleCache(Dense):
    """x is cached on the first forward call only, so backward uses an old batch."""

    component, block, diagnosis = "dense", "dW", "stale-cache"

    def forward(self, x):
        if self.x is None:
            self.x = x
        return add_row(matmul(x, self.params["W"]), self.params["b"])


class MSEStaleCache(MSE):
    """The residual is kept from the first forward call only."""

    component, block, diagnosis = "mse", "dy_pred", "stale-cache"

    def forward(self, y_pred, y_true):
        residual = [[p - t for p, t in zip(p_row, t_row)] for p_row, t_row in zip(y_pred, y_true)]
        if self.residual is None:
            self.residual = residual
        return sum(r * r for row in residual for r in row) / (len(residual) * len(residual[0]))


class MSESumNotMean(MSE):
    """dL/dp = 2 (p - t): the gradient of the sum, while the loss is the mean over N M entries."""

    component, block, diagnosis = "mse", "dy_pred", "scale"

    def backward(self):
        return [[2.0 * r for r in row] for row in self.residual]


class LeakyReLUHardCodedSlope(LeakyReLU):
    """backward uses the default slope 0.01 instead of self.alpha (the check builds LeakyReLU(0.1)).

    Diagnosis: scale. dx is right where x > 0 and 0.01 / alpha = 1/10 times the
    numeric gradient where x <= 0: one constant factor is wrong on one side of
    the kink, and "scale" says which factor and where, which is what the
    learner has to fix (sign-flip, zero-gradient or wrong-input would each
    point at the wrong line).
    """

    component, block, diagnosis = "leaky_relu", "dx", "scale"

    def backward(self, dy):
        return [[g if v > 0.0 else 0.01 * g for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


class LeakyReLUAsReLU(LeakyReLU):
    """backward copied from ReLU: no gradient at all where x <= 0."""

    component, block, diagnosis = "leaky_relu", "dx", "zero-gradient"

    def backward(self, dy):
        return [[g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


class TanhForgotSquare(Tanh):
    """dL/dx = dy (1 - y): the square of 1 - y^2 is missing."""

    component, block, diagnosis = "tanh", "dx", "wrong-formula"

    def backward(self, dy):
        return [[g * (1.0 - t) for g, t in zip(g_row, y_row)] for g_row, y_row in zip(dy, self.y)]


class SoftmaxDiagonalOnly(Softmax):
    """dL/dx_j = dy_j y_j (1 - y_j): only the diagonal of the Jacobian, as if softmax were elementwise."""

    component, block, diagnosis = "softmax", "dx", "diagonal-only"

    def backward(self, dy):
        return [[g * p * (1.0 - p) for g, p in zip(g_row, y_row)] for g_row, y_row in zip(dy, self.y)]


class SigmoidOutputFormOnInput(Sigmoid):
    """Keeps x and returns dy x (1 - x): the formula y (1 - y) applied to the input."""

    component, block, diagnosis = "sigmoid", "dx", "wrong-input"

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dy):
        return [[g * v * (1.0 - v) for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


class BatchNormWithoutStatisticsPaths(BatchNorm):
    """dx = dy * gamma / s: the batch mean and variance treated as constants, the paths through them missing."""

    component, block, diagnosis = "batch_norm", "dx", "statistics-paths"

    def backward(self, dy):
        super().backward(dy)
        return [[g * c / s for g, c, s in zip(row, self.params["gamma"], self.s)] for row in dy]


class BatchNormMissingGamma(BatchNorm):
    """dL/dxhat = dy instead of dy * gamma: the factor gamma is missing from dx."""

    component, block, diagnosis = "batch_norm", "dx", "missing-gamma"

    def backward(self, dy):
        super().backward(dy)
        columns = zip(zip(*dy), zip(*self.xhat), self.s)
        return [list(row) for row in zip(*[through_normalization(g, h, s) for g, h, s in columns])]


class BatchNormBetaNotSummed(BatchNorm):
    """dbeta taken from the first row of dy instead of the sum over the batch."""

    component, block, diagnosis = "batch_norm", "dbeta", "single-sample"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["beta"] = list(dy[0])
        return dx


class LayerNormWithoutStatisticsPaths(LayerNorm):
    """dx = dy * gamma / s: the row's mean and variance treated as constants."""

    component, block, diagnosis = "layer_norm", "dx", "statistics-paths"

    def backward(self, dy):
        super().backward(dy)
        return [[g * c / s for g, c in zip(row, self.params["gamma"])] for row, s in zip(dy, self.s)]


class LayerNormMissingGamma(LayerNorm):
    """dL/dxhat = dy instead of dy * gamma: the factor gamma is missing from dx."""

    component, block, diagnosis = "layer_norm", "dx", "missing-gamma"

    def backward(self, dy):
        super().backward(dy)
        return [through_normalization(g, h, s) for g, h, s in zip(dy, self.xhat, self.s)]


class LayerNormGammaSignFlip(LayerNorm):
    """dgamma with the wrong sign: -sum_n dy * xhat."""

    component, block, diagnosis = "layer_norm", "dgamma", "sign-flip"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["gamma"] = [-g for g in self.grads["gamma"]]
        return dx


class DropoutBackwardTimesKeepProbability(Dropout):
    """dx = dy * m * (1 - p): the kept entries' slope multiplied by 1 - p instead of divided by it."""

    component, block, diagnosis = "dropout", "dx", "scale"

    def backward(self, dy):
        dx = super().backward(dy)
        return [[g * (1.0 - self.p) ** 2 for g in row] for row in dx]


class DenseAccumulates(Dense):
    """grads += new gradients: each backward adds to what the last one left."""

    component, block, diagnosis = "dense", "protocol", "accumulates"

    def backward(self, dy):
        before = {name: [list(row) for row in self.grads["W"]] if name == "W" else list(self.grads["b"])
                  for name in ("W", "b")}
        dx = super().backward(dy)
        self.grads["W"] = [[a + b for a, b in zip(r, s)] for r, s in zip(before["W"], self.grads["W"])]
        self.grads["b"] = [a + b for a, b in zip(before["b"], self.grads["b"])]
        return dx


class DenseNondeterministic(Dense):
    """dW jittered with the global random state (a misplaced dropout, say): two calls never agree."""

    component, block, diagnosis = "dense", "protocol", "nondeterministic"

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [[g * (1.0 + 1e-3 * random.random()) for g in row] for row in self.grads["W"]]
        return dx


class ReLUMutatesInput(ReLU):
    """forward clips x in place, so the caller's batch loses its negative entries."""

    component, block, diagnosis = "relu", "protocol", "mutates-input"

    def forward(self, x):
        for row in x:
            for j, v in enumerate(row):
                if v < 0.0:
                    row[j] = 0.0
        self.x = x
        return [list(row) for row in x]


class BCEClampsInPlace(BinaryCrossEntropy):
    """forward clamps y_pred into [1e-7, 1 - 1e-7] in place: only visible when p reaches 0 or 1."""

    component, block, diagnosis = "binary_cross_entropy", "protocol", "mutates-input"

    def forward(self, y_pred, y_true):
        for row in y_pred:
            for j, p in enumerate(row):
                row[j] = min(max(p, 1e-7), 1.0 - 1e-7)
        return super().forward(y_pred, y_true)


class TanhFlatOutput(Tanh):
    """forward returns one flat list of N D values instead of N rows."""

    component, block, diagnosis = "tanh", "forward", "shape"

    def forward(self, x):
        self.y = [[math.tanh(v) for v in row] for row in x]
        return [v for row in self.y for v in row]


class SoftmaxNoMaxShift(Softmax):
    """exp(x_j) / sum_k exp(x_k) without subtracting the row maximum: exp overflows at x = 1e4."""

    component, block, diagnosis = "softmax", "protocol", "unstable"

    def forward(self, x):
        self.y = []
        for row in x:
            e = [math.exp(v) for v in row]
            self.y.append([v / sum(e) for v in e])
        return self.y


class SigmoidNaive(Sigmoid):
    """1 / (1 + exp(-x)) in one form: exp(-x) overflows at x = -1e4."""

    component, block, diagnosis = "sigmoid", "protocol", "unstable"

    def forward(self, x):
        self.y = [[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x]
        return self.y


class BCENoClamp(BinaryCrossEntropy):
    """log p and log(1 - p) without the clamp: log 0 raises at p = 0 or 1."""

    component, block, diagnosis = "binary_cross_entropy", "protocol", "unstable"

    def forward(self, y_pred, y_true):
        self.p, self.t = y_pred, y_true
        total = sum(t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
                    for p_row, t_row in zip(y_pred, y_true) for p, t in zip(p_row, t_row))
        return -total / (len(y_pred) * len(y_pred[0]))

    def backward(self):
        count = len(self.p) * len(self.p[0])
        return [[(p - t) / (p * (1.0 - p) * count) for p, t in zip(p_row, t_row)]
                for p_row, t_row in zip(self.p, self.t)]


class SCENoMaxShift(SoftmaxCrossEntropy):
    """log sum_k exp(z_k) - z_c without the max shift: exp overflows at logits of 1e4."""

    component, block, diagnosis = "softmax_cross_entropy", "protocol", "unstable"

    def forward(self, y_pred, y_true):
        self.labels = list(y_true)
        self.p = [[math.exp(v) / sum(math.exp(u) for u in z) for v in z] for z in y_pred]
        total = sum(math.log(sum(math.exp(v) for v in z)) - z[c] for z, c in zip(y_pred, y_true))
        return total / len(y_pred)


class DropoutScaledByP(Dropout):
    """Kept entries scaled by p instead of 1 / (1 - p), in forward and backward alike."""

    component, property, words = "dropout", "kept_entries_are_scaled_by_1_over_1_minus_p", "scaled by p instead of"

    def draw(self, x):
        return [self.draw(v) for v in x] if isinstance(x, list) else (0.0 if self.rng.random() < self.p else self.p)


class DropoutInEvaluation(Dropout):
    """Drops entries in evaluation too: the mode is never read."""

    component, property, words = "dropout", "evaluation_is_the_identity", "in evaluation must return x unchanged"

    def forward(self, x):
        self.training = True
        return super().forward(x)


class DropoutKeepProbability(Dropout):
    """p read as the probability of keeping an entry (CS231n's convention): dropped when u >= p."""

    component, property, words = "dropout", "the_mask_follows_the_spec_draw", "exactly when rng.random() < p"

    def draw(self, x):
        if isinstance(x, list):
            return [self.draw(v) for v in x]
        return 1.0 / (1.0 - self.p) if self.rng.random() < self.p else 0.0


class BatchNormBatchStatisticsInEvaluation(BatchNorm):
    """Normalizes with the batch's statistics in evaluation too: the mode is never read."""

    component, property, words = "batch_norm", "evaluation_uses_the_running_statistics", "batch statistics still"

    def forward(self, x):
        self.training = True
        return super().forward(x)


class BatchNormBiasedRunningVariance(BatchNorm):
    """running_var takes the biased batch variance (CS231n's convention), not var * N / (N - 1)."""

    component, property, words = "batch_norm", "running_statistics_follow_the_momentum_rule", "running_var"

    def update(self, n, stats):
        super().update(n, [(mu, var * (n - 1) / n) for mu, var in stats])


class BatchNormMomentumReversed(BatchNorm):
    """running = momentum running + (1 - momentum) batch: CS231n's momentum read with PyTorch's default 0.1."""

    component, property, words = "batch_norm", "running_statistics_follow_the_momentum_rule", "momentum"

    def update(self, n, stats):
        self.momentum = 1.0 - self.momentum
        super().update(n, stats)
        self.momentum = 1.0 - self.momentum


class LayerNormOverTheBatch(LayerNorm):
    """Statistics per column (over the batch), as BatchNorm takes them, instead of per row."""

    component, property, words = "layer_norm", "rows_are_normalized", "over its D features"

    def forward(self, x):
        self.xhat = [list(row) for row in zip(*[normalized(c, *moments(c), self.eps)[0] for c in zip(*x)])]
        gamma, beta = self.params["gamma"], self.params["beta"]
        return [[g * h + b for g, h, b in zip(gamma, row, beta)] for row in self.xhat]


class LayerNormIgnoresGamma(LayerNorm):
    """y = xhat + beta: gamma never scales the output (it hides behind gamma = 1)."""

    component, property, words = "layer_norm", "rows_are_normalized", "of (y - beta) / gamma"

    def forward(self, x):
        y = super().forward(x)
        return [[h + b for h, b in zip(row, self.params["beta"])] for row in self.xhat] if y else y


class BatchNormWithStringStatistics(BatchNorm):
    """running_mean turned into text after a forward: a hostile answer to the question about running statistics.
    No component attribute: it is in none of the lists below (tests/grading/test_grade_modes.py uses it)."""

    def forward(self, x):
        y = super().forward(x)
        self.running_mean = "\x1b[32mPASS\x1b[0m" * 1000
        return y
