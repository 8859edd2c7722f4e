"""L2 weight decay: a penalty on the weight matrices, added to the loss (specs/weight_decay.md)."""
from reference.parameters import entries, is_matrix, zeros_like


class WeightDecay:
    """R = (strength / 2) sum of W^2 over the weights (matrices and conv weights); dR/dW = strength W; vectors (biases)
    are free."""

    def __init__(self, strength):
        self.strength = strength

    def penalty(self, params):
        """params -> R, a float."""
        squares = sum(w * w for p in params.values() if is_matrix(p) for w in entries(p))
        return 0.5 * self.strength * squares

    def gradient(self, params):
        """params -> {name: dR/dp}, the shapes of params: strength W for a matrix, zeros for a vector."""
        return {name: _times(self.strength, p) if is_matrix(p) else zeros_like(p) for name, p in params.items()}

    def add(self, grads, params):
        """grads of the data loss -> new grads of loss + R: g + dR/dp for every name."""
        penalty_grads = self.gradient(params)
        return {name: _plus(g, penalty_grads[name]) for name, g in grads.items()}


def _times(c, a):
    """c a, entry by entry, for a parameter of any rank."""
    return [_times(c, r) for r in a] if is_matrix(a) else [c * u for u in a]


def _plus(a, b):
    """a + b, entry by entry, for two parameters of one shape (any rank)."""
    if is_matrix(a):
        return [_plus(r, s) for r, s in zip(a, b)]
    return [u + v for u, v in zip(a, b)]
