"""make compare-torch, the recurrent layers: RNN, LSTM and GRU in reference and in PyTorch (float64), to 1e-9.

Each layer (D = 6: the bike windows' five features and past count; H = HIDDEN) gets the same weights on both sides
and sees the same windows of T = 24 hours from the training block, in the same seeded batches of BATCH.

- Every output step and the initial state: for each batch, a seeded random initial state (h0, and c0 for the LSTM)
  and a seeded random dy (N, T, H), the loss sum(h * dy). Compared: the gradients of every parameter, of the
  input x and of the initial state(s).
- Training: the many-to-one model layer -> LastStep -> Dense(H, 1) with MSE takes STEPS steps of gradient descent
  (lr LR) on both sides; the gradients of every parameter are compared before each step.

The weights map as specs/rnn.md, lstm.md and gru.md say: PyTorch keeps W (out, in), the transpose of Wx and Wh;
the gate blocks are in PyTorch's order (i, f, g, o; r, z, n); an RNN's or LSTM's b is PyTorch's bias_ih, with
bias_hh held at 0 (it adds to the same sum, so it would take the same step twice), and a GRU's bx and bh are
bias_ih and bias_hh.
"""
import random

import reference
from checks.instruments.compare_torch import TOLERANCE, Difference, entries
from reference.minibatches import minibatches
from reference.trainer import bike_sequences

KINDS = ("RNN", "LSTM", "GRU")
HIDDEN, BATCH, STEPS, LR, SEED = 8, 16, 10, 0.1, 0
BIASES = {"RNN": {"b": "bias_ih_l0"}, "LSTM": {"b": "bias_ih_l0"}, "GRU": {"bx": "bias_ih_l0", "bh": "bias_hh_l0"}}


def windows(rows=None):
    """The training block of the bike windows (80/20 in time): x (N, 24, 6), t (N, 1); the first rows only if given."""
    (x, t), _ = bike_sequences.load(fractions=(0.8, 0.2))
    return (x[:rows], t[:rows]) if rows else (x, t)


class TorchSide:
    """torch.nn.RNN / LSTM / GRU (batch_first, float64) holding the weights of a reference layer."""

    def __init__(self, kind, layer):
        import torch
        self.torch, self.kind = torch, kind
        self.net = getattr(torch.nn, kind)(layer.n_in, layer.n_hidden, batch_first=True).double()
        with torch.no_grad():
            self.net.weight_ih_l0.copy_(self.tensor(layer.params["Wx"]).T)
            self.net.weight_hh_l0.copy_(self.tensor(layer.params["Wh"]).T)
            self.net.bias_hh_l0.zero_()
            for name, torch_name in BIASES[kind].items():
                getattr(self.net, torch_name).copy_(self.tensor(layer.params[name]))
        if kind != "GRU":
            self.net.bias_hh_l0.requires_grad_(False)

    def tensor(self, value, grad=False):
        return self.torch.tensor(value, dtype=self.torch.float64, requires_grad=grad)

    def grads(self):
        """The gradients under the reference's names: Wx, Wh as (in, out), then the biases."""
        found = {"Wx": self.net.weight_ih_l0.grad.T.tolist(), "Wh": self.net.weight_hh_l0.grad.T.tolist()}
        found.update({name: getattr(self.net, torch_name).grad.tolist() for name, torch_name in BIASES[self.kind].items()})
        return found

    def run(self, x, states=()):
        """x (N, T, D) tensor, initial states (N, H) tensors (none: zeros) -> h (N, T, H)."""
        initial = tuple(s.unsqueeze(0) for s in states)
        if not initial:
            return self.net(x)[0]
        return self.net(x, initial if self.kind == "LSTM" else initial[0])[0]


def every_step(kind, x, rng, step):
    """One batch: loss sum(h * dy) from a random initial state on both sides -> the largest Difference."""
    layer = getattr(reference, kind)(len(x[0][0]), HIDDEN, seed=SEED)
    theirs = TorchSide(kind, layer)
    n_states = 2 if kind == "LSTM" else 1
    states = [[[rng.gauss(0.0, 0.5) for _ in range(HIDDEN)] for _ in x] for _ in range(n_states)]
    dy = [[[rng.gauss(0.0, 1.0) for _ in range(HIDDEN)] for _ in row] for row in x]
    layer.forward(x, *states)
    dx = layer.backward(dy)
    ours = {**layer.grads, "dx": dx, "dh0": layer.dh0, **({"dc0": layer.dc0} if kind == "LSTM" else {})}
    x_t, state_t = theirs.tensor(x, True), [theirs.tensor(s, True) for s in states]
    (theirs.run(x_t, state_t) * theirs.tensor(dy)).sum().backward()
    other = {**theirs.grads(), "dx": x_t.grad.tolist(), "dh0": state_t[0].grad.tolist(),
             **({"dc0": state_t[1].grad.tolist()} if kind == "LSTM" else {})}
    return largest(ours, other, step)


def largest(ours, theirs, step, epoch=0):
    """The entry of two dicts of gradients (same names and shapes) where they differ most."""
    found = Difference(-1.0)
    for name, mine in ours.items():
        for (index, a), (_, b) in zip(entries(mine), entries(theirs[name])):
            if abs(a - b) > found.size:
                found = Difference(abs(a - b), epoch, step, name, index, a, b)
    return found


class Pair:
    """The many-to-one model, layer -> LastStep -> Dense(H, 1) with MSE, on both sides from the same weights."""

    def __init__(self, kind, n_in):
        import torch
        layer, dense = getattr(reference, kind)(n_in, HIDDEN, seed=SEED), reference.Dense(HIDDEN, 1, seed=1)
        self.ours = reference.Sequential([layer, reference.LastStep(), dense])
        self.side = TorchSide(kind, layer)
        self.linear = torch.nn.Linear(HIDDEN, 1).double()
        with torch.no_grad():
            self.linear.weight.copy_(self.side.tensor(dense.params["W"]).T)
            self.linear.bias.copy_(self.side.tensor(dense.params["b"]))

    def gradients(self, x, t):
        """Both sides' gradients of the MSE on one batch, under the reference's names ("0.Wx", "2.W", ...)."""
        loss = reference.MSE()
        loss.forward(self.ours.forward(x), t)
        self.ours.backward(loss.backward())
        for p in self.parameters():
            p.grad = None
        h = self.side.run(self.side.tensor(x))
        prediction = self.linear(h[:, -1, :])
        self.side.torch.nn.functional.mse_loss(prediction, self.side.tensor(t)).backward()
        theirs = {f"0.{name}": g for name, g in self.side.grads().items()}
        theirs.update({"2.W": self.linear.weight.grad.T.tolist(), "2.b": self.linear.bias.grad.tolist()})
        return dict(self.ours.grads), theirs

    def parameters(self):
        return [p for p in (*self.side.net.parameters(), *self.linear.parameters()) if p.requires_grad]

    def descend(self):
        """One step of gradient descent, lr LR, on both sides."""
        reference.SGD(LR).step(self.ours.params, self.ours.grads)
        with self.side.torch.no_grad():
            for p in self.parameters():
                p -= LR * p.grad


def compare(kind, x, t, steps=STEPS):
    """-> (largest Difference of the every-step check, largest of the training steps) for one kind of layer."""
    rng, batches = random.Random(SEED), list(minibatches(len(x), BATCH, random.Random(SEED)))[:steps]
    outputs = max((every_step(kind, [x[i] for i in b], rng, k) for k, b in enumerate(batches, 1)), key=size)
    pair, training = Pair(kind, len(x[0][0])), Difference()
    for k, batch in enumerate(batches, start=1):
        ours, theirs = pair.gradients([x[i] for i in batch], [t[i] for i in batch])
        training = max(training, largest(ours, theirs, k), key=size)
        pair.descend()
    return outputs, training


def size(difference):
    return difference.size


def describe(x, steps=STEPS):
    """The line that says what the recurrent comparison does."""
    return (f"The recurrent layers {', '.join(KINDS)} (D = {len(x[0][0])}, H = {HIDDEN}) in reference and in PyTorch, "
            f"from the same weights, on {min(steps, -(-len(x) // BATCH))} seeded batches of {BATCH} bike windows of "
            f"{len(x[0])} hours: the gradients of every output step from a random initial state, then gradient "
            f"descent (lr {LR:g}) on layer -> LastStep -> Dense with MSE.")


def report(x, t, steps=STEPS, kinds=KINDS, tolerance=TOLERANCE):
    """-> (lines, exit code): one line per layer and check; 1 when a difference exceeds tolerance, naming it."""
    lines, code, limit = [], 0, f"{tolerance:.0e}".replace("e-0", "e-")
    for kind in kinds:
        for check, found in zip(("every output step and the initial state", "training, many-to-one"),
                                compare(kind, x, t, steps)):
            entry = "".join(f"[{i}]" for i in found.index)
            where = f"batch {found.step}, {found.name}{entry}"
            if found.size > tolerance:
                code = 1
                lines.append(f"{kind} ({check}): reference and PyTorch diverged at {where}: reference {found.ours!r}, "
                             f"PyTorch {found.theirs!r}, a difference of {found.size:.3e} > {limit}; look "
                             "at the layer's backward and at how its weights map to PyTorch's (gate order, biases)")
            else:
                lines.append(f"{kind} ({check}): largest gradient difference {found.size:.1e} ({where}), "
                             f"under {limit}: they agree")
    return lines, code
