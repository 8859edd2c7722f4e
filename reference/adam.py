"""Adam: momentum and a per-coordinate step size (specs/adam.md)."""
import math

from reference.parameters import rows, zeros_like


class Adam:
    """p <- p - lr m_hat / (sqrt(v_hat) + eps), with bias-corrected moving averages of g and g^2.

    m, v and the step count t are kept per parameter name.
    """

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, {}

    def step(self, params, grads):
        """Edit every params[name] in place from grads[name] and its moving averages."""
        b1, b2 = self.beta1, self.beta2
        for name, p in params.items():
            if name not in self.t:
                self.m[name], self.v[name], self.t[name] = zeros_like(p), zeros_like(p), 0
            self.t[name] += 1
            c1, c2 = 1.0 - b1 ** self.t[name], 1.0 - b2 ** self.t[name]  # bias corrections
            for p_row, g_row, m_row, v_row in rows(p, grads[name], self.m[name], self.v[name]):
                for j, g in enumerate(g_row):
                    m_row[j] = b1 * m_row[j] + (1.0 - b1) * g  # m <- beta1 m + (1 - beta1) g
                    v_row[j] = b2 * v_row[j] + (1.0 - b2) * g * g  # v <- beta2 v + (1 - beta2) g^2
                    m_hat, v_hat = m_row[j] / c1, v_row[j] / c2
                    p_row[j] -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)  # p <- p - lr m_hat / (sqrt(v_hat)+eps)
