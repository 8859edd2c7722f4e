"""Batch normalization (specs/batch_norm.md)."""
from reference.layer_norm import moments, normalized, through_normalization
from reference.tensor import column_sums, transpose


class BatchNorm:
    """y = gamma * (x - mu) / sqrt(var + eps) + beta, mu and var per column: x (N, D) -> y (N, D).

    Training: mu and var are the batch's (var biased, N >= 2), and the running
    statistics move towards them: running = (1 - momentum) * running + momentum * batch,
    with the unbiased variance for running_var. Evaluation: mu = running_mean, var = running_var.
    Rows depend on each other in training (through mu and var), so rows_independent = False.
    """

    rows_independent = False

    def __init__(self, n_features, eps=1e-5, momentum=0.1):
        self.eps, self.momentum, self.training = eps, momentum, True
        self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}
        self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}
        self.running_mean, self.running_var = [0.0] * n_features, [1.0] * n_features
        self.xhat, self.s, self.batch = None, None, True

    def forward(self, x):
        """x (N, D) -> y (N, D); keeps xhat (N, D), s (D,) and the mode, which the derivatives need."""
        self.batch = self.training
        if self.training:
            if len(x) < 2:
                raise ValueError(f"BatchNorm: training mode needs a batch of N >= 2 rows to estimate a variance, "
                                 f"got N = {len(x)}")
            stats = [moments(c) for c in zip(*x)]
            self.update(len(x), stats)
        else:
            stats = list(zip(self.running_mean, self.running_var))
        columns = [normalized(c, mu, var, self.eps) for c, (mu, var) in zip(zip(*x), stats)]
        self.xhat, self.s = transpose([h for h, _ in columns]), [s for _, s in columns]
        gamma, beta = self.params["gamma"], self.params["beta"]
        return [[g * h + b for g, h, b in zip(gamma, row, beta)] for row in self.xhat]

    def update(self, n, stats):
        """running = (1 - momentum) running + momentum batch, for the mean and the unbiased var * N / (N - 1)."""
        k = self.momentum
        self.running_mean = [(1.0 - k) * r + k * mu for r, (mu, _) in zip(self.running_mean, stats)]
        self.running_var = [(1.0 - k) * r + k * var * n / (n - 1) for r, (_, var) in zip(self.running_var, stats)]

    def backward(self, dy):
        """dy (N, D) -> dx (N, D); sets grads gamma (D,) and beta (D,)."""
        gamma = self.params["gamma"]
        self.grads["gamma"] = column_sums([[g * h for g, h in zip(gr, hr)] for gr, hr in zip(dy, self.xhat)])
        # dL/dgamma = sum_n dy[n] * xhat[n]   (D,)
        self.grads["beta"] = column_sums(dy)  # dL/dbeta = sum_n dy[n]   (D,)
        dxhat = [[g * c for g, c in zip(row, gamma)] for row in dy]  # dL/dxhat = dy * gamma   (N, D)
        if not self.batch:
            return [[g / s for g, s in zip(row, self.s)] for row in dxhat]  # dL/dx = dxhat / s   (evaluation)
        columns = zip(transpose(dxhat), transpose(self.xhat), self.s)
        return transpose([through_normalization(g, h, s) for g, h, s in columns])
        # dL/dx = (dxhat - mean_n(dxhat) - xhat * mean_n(dxhat * xhat)) / s, per column   (N, D)
