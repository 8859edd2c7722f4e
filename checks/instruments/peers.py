"""The peers the bench times the reference against, when they are installed: micrograd and PyTorch.

Each class takes the reference's initial weights [W1 (5, H), b1 (H,), W2 (H, 1), b2 (1,)] and has the methods of
the classes of checks/instruments/implementations.py, so every peer takes the same steps as the reference.
"""
import warnings

from checks.instruments.implementations import LR


class Micrograd:
    """micrograd.nn.MLP(5, [H, 1]): ReLU neurons, then a linear one; the batch loss is the mean of (y - t)^2.

    micrograd's conventions match the reference's: ReLU passes no gradient at
    0, and the output neuron is linear. It adds the bias first (sum(w x, b)),
    so its sums round in a different order: equal to about 1e-15, not exactly.
    """

    name = "micrograd"

    def __init__(self, weights, lr=LR):
        from micrograd.nn import MLP
        W1, b1, W2, b2 = weights  # MLP draws weights from the global random module; they are all replaced here
        self.net, self.lr = MLP(len(W1), [len(b1), 1]), lr
        for layer, W, b in zip(self.net.layers, (W1, W2), (b1, b2)):
            for m, neuron in enumerate(layer.neurons):
                for d, w in enumerate(neuron.w):
                    w.data = W[d][m]
                neuron.b.data = b[m]

    @staticmethod
    def prepare(x, t):
        return x, t

    def forward_backward(self, x, t):
        from micrograd.engine import Value
        for p in self.net.parameters():
            p.grad = 0.0
        L = sum(((self.net(x_n) - t_n[0]) ** 2 for x_n, t_n in zip(x, t)), Value(0.0)) * (1.0 / len(x))
        L.backward()
        return L

    def gradients(self, x, t):
        L = self.forward_backward(x, t)
        first, second = self.net.layers
        grads = []
        for layer in (first, second):
            grads.append([[n.w[d].grad for n in layer.neurons] for d in range(len(layer.neurons[0].w))])
            grads.append([n.b.grad for n in layer.neurons])
        return L.data, grads

    def step(self, x, t):
        L = self.forward_backward(x, t)
        for p in self.net.parameters():
            p.data -= self.lr * p.grad
        return L.data


class Torch:
    """torch.nn.Sequential(Linear, ReLU, Linear) in float64, MSELoss, torch.optim.SGD: the usual loop."""

    name = "torch"

    def __init__(self, weights, lr=LR):
        import torch
        W1, b1, W2, b2 = weights
        self.torch = torch
        self.net = torch.nn.Sequential(torch.nn.Linear(len(W1), len(b1)), torch.nn.ReLU(),
                                       torch.nn.Linear(len(W2), 1)).double()
        with torch.no_grad():  # nn.Linear keeps its weight as (M, D): the transpose of W
            for linear, W, b in ((self.net[0], W1, b1), (self.net[2], W2, b2)):
                linear.weight.copy_(torch.tensor(W, dtype=torch.float64).T)
                linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        self.loss = torch.nn.MSELoss()
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=lr)

    def prepare(self, x, t):
        return self.torch.tensor(x, dtype=self.torch.float64), self.torch.tensor(t, dtype=self.torch.float64)

    def gradients(self, x, t):
        x, t = self.prepare(x, t)
        self.optimizer.zero_grad()
        L = self.loss(self.net(x), t)
        L.backward()
        first, second = self.net[0], self.net[2]
        return L.item(), [first.weight.grad.T.tolist(), first.bias.grad.tolist(),
                          second.weight.grad.T.tolist(), second.bias.grad.tolist()]

    def step(self, x, t):
        self.optimizer.zero_grad()
        L = self.loss(self.net(x), t)
        L.backward()
        self.optimizer.step()
        return L

    def descend(self):
        """torch.optim.SGD's step with the gradients of the latest gradients() call (make compare-torch)."""
        self.optimizer.step()


class TorchBare(Torch):
    """The same network with the leanest loop: grads set to None and p -= lr g under no_grad, no optimizer object."""

    name = "torch, bare loop"

    def step(self, x, t):
        torch, lr = self.torch, self.optimizer.param_groups[0]["lr"]
        for p in self.net.parameters():
            p.grad = None
        L = self.loss(self.net(x), t)
        L.backward()
        with torch.no_grad():
            for p in self.net.parameters():
                p.sub_(p.grad, alpha=lr)
        return L


def torch_available():
    """True when torch imports; it then runs on one thread, as the pure-Python implementations do (the objects its
    import leaves are frozen out of the garbage collector's reach before anything is timed: timing.timed)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns when NumPy is absent; nothing here needs NumPy
            import torch
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


def micrograd_available():
    try:
        import micrograd.nn  # noqa: F401
    except ImportError:
        return False
    return True
