"""Step helpers of the recurrent layers: a batch of sequences x (N, T, D) read and written one time step at a time."""
import math
import random
from operator import add, mul

from reference.tensor import matmul, transpose


def require_sequences(layer, x, n_in):
    """Refuse anything but x (N, T, D) with N, T >= 1 and D = n_in, in one line naming the rule."""
    ok = (isinstance(x, list) and x and all(isinstance(s, list) and s and len(s) == len(x[0]) for s in x)
          and all(isinstance(v, list) and len(v) == n_in for s in x for v in s))
    if not ok:
        raise ValueError(f"{layer}: x must be a batch of sequences of shape (N, T, D) with N, T >= 1 and D = n_in = "
                         f"{n_in}, every sequence of the same length T")


def require_state(layer, name, state, n, n_hidden):
    """None -> zeros (N, H); refuse a state of another shape than (N, H)."""
    if state is None:
        return [[0.0] * n_hidden for _ in range(n)]
    if not (isinstance(state, list) and len(state) == n and all(isinstance(r, list) and len(r) == n_hidden
                                                                for r in state)):
        raise ValueError(f"{layer}: {name} must have shape (N, H) = ({n}, {n_hidden}), one row per sequence")
    return state


def at_step(x, t):
    """x (N, T, D) -> x_t (N, D), the rows of time step t."""
    return [sequence[t] for sequence in x]


def as_sequences(steps):
    """T matrices (N, H), one per time step -> (N, T, H), new lists."""
    return [[list(step[n]) for step in steps] for n in range(len(steps[0]))]


def drawn_weights(seed, n_hidden, shapes):
    """{name: a matrix (rows, columns) or vector (length,)} for each of shapes, in order, every entry drawn
    uniformly from [-1/sqrt(H), 1/sqrt(H)] by random.Random(seed), row by row (PyTorch's range)."""
    rng, k = random.Random(seed), 1.0 / math.sqrt(n_hidden)
    return {name: [rng.uniform(-k, k) for _ in range(shape[0])] if len(shape) == 1
            else [[rng.uniform(-k, k) for _ in range(shape[1])] for _ in range(shape[0])]
            for name, shape in shapes.items()}


def zero_grads(params):
    """New grads of params' keys and shapes, all 0.0: what backward sums the time steps' shares into."""
    return {name: [[0.0] * len(p[0]) for _ in p] if isinstance(p[0], list) else [0.0] * len(p)
            for name, p in params.items()}


def plus(a, b):
    """a + b, entry by entry, for two (N, H) matrices."""
    return [[u + v for u, v in zip(r, s)] for r, s in zip(a, b)]


def stacked_columns(Wx, Wh, b):
    """The G columns of [Wx; Wh] (D + H, G), each paired with its entry of b (G,): read once per forward."""
    return list(zip(zip(*(Wx + Wh)), b))


def preactivation(x_t, h_prev, columns):
    """x_t (N, D) . Wx (D, G) + h_prev (N, H) . Wh (H, G) + b (G,) -> (N, G), one product over [x_t, h_prev]."""
    return [[sum(map(mul, xh, column)) + b_j for column, b_j in columns] for xh in map(add, x_t, h_prev)]


def add_product(total, a, da):
    """total (K, G) += a^T . da, in place, for a (N, K) and da (N, G): a weight's share of one time step."""
    for row, step_row in zip(total, matmul(transpose(a), da)):
        row[:] = [u + v for u, v in zip(row, step_row)]


def add_sums(total, da):
    """total (G,) += sum_n da[n], in place: a bias's share of one time step."""
    total[:] = [u + sum(column) for u, column in zip(total, zip(*da))]


def back_through(da, W):
    """da (N, G) . W^T (G, K) -> (N, K): the gradient reaching the input of x . W (or h . W) at one step."""
    return matmul(da, transpose(W))
