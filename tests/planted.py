"""A gallery of planted wrong implementations: each class carries one bug a learner might write.

Each class names its component, the gradient block the bug shows in, and the
diagnosis a checker should give. Tests feed them to the checks and assert
that the checks fail, where, and why.
"""
from reference import MSE, BinaryCrossEntropy, Dense, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from reference.sigmoid import sigmoid
from reference.tensor import matmul, transpose


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


GRADIENT_BUGS = [
    DenseSignFlip, DenseTransposed, DenseBiasNotSummed, DenseBiasMean, DenseNoInputGradient,
    SigmoidAtOutput, TanhAtInput, ReLUSignFlip, MSEMissingTwo, BCESignFlip, SCENotAveraged,
]
