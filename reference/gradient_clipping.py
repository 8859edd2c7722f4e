"""Gradient-norm clipping: every gradient scaled by one factor so that their global L2 norm is at most max_norm
(specs/gradient_clipping.md)."""
import math

from reference.sgd import SGD


def clip_grad_norm(grads, max_norm):
    """grads {name: tensor of any rank} -> the global norm ||g|| before clipping, a float.

    When ||g|| > max_norm, every entry of every grads[name] is multiplied in place by max_norm / ||g||, so the
    norm becomes max_norm; otherwise nothing changes. ||g|| = sqrt(sum of g^2 over every entry of every name).
    """
    if not max_norm > 0.0:
        raise ValueError(f"clip_grad_norm: max_norm must be a positive number, got {max_norm!r}")
    norm = math.sqrt(math.fsum(squares(g) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            scale_in_place(g, max_norm / norm)
    return norm


def squares(g):
    """The sum of the squared entries of a tensor of any rank."""
    return math.fsum(squares(v) for v in g) if isinstance(g, list) else g * g


def scale_in_place(g, c):
    """Multiply every entry of a tensor of any rank (a list) by c, in place."""
    for i, v in enumerate(g):
        if isinstance(v, list):
            scale_in_place(v, c)
        else:
            g[i] = v * c


def copied_tensor(g):
    """A new tensor with the entries of g, of any rank."""
    return [copied_tensor(v) for v in g] if isinstance(g, list) else g


class ClippedSGD(SGD):
    """Gradient descent on clipped gradients: g <- g min(1, max_norm / ||g||) over all names at once, then
    p <- p - lr g. grads are left as given (clipped copies are stepped); self.norm is ||g|| before clipping."""

    def __init__(self, lr, max_norm=1.0):
        super().__init__(lr)
        self.max_norm = max_norm
        self.norm = None  # the global norm of the latest step's gradients, before clipping

    def step(self, params, grads):
        """Edit every params[name] in place from the clipped grads[name]."""
        clipped = {name: copied_tensor(g) for name, g in grads.items()}
        self.norm = clip_grad_norm(clipped, self.max_norm)
        super().step(params, clipped)
