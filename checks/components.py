"""Every component of reference/ and how the checks exercise it.

A component is a module of reference/ (its name is the module's, the spec's
and the property suite's). Its entry says how to build an instance from an
implementation class, where to check its gradient, which inputs its
properties draw, and which small model on the bike data must beat the mean.
"""
import random
from dataclasses import dataclass
from typing import Callable, Optional

import reference
from checks import strategies as s
from checks.descent import descent_point
from checks.properties import Subject

LAYER, LOSS, INITIALIZER = "layer", "loss", "initializer"
OPTIMIZER, SCHEDULE, REGULARIZER = "optimizer", "schedule", "regularizer"
REGRESSION, BINARY, CLASSES, PROBABILITIES = "regression", "binary", "classes", "probabilities"


@dataclass(frozen=True)
class Component:
    name: str
    class_name: str  # the class a learner implements; "" for a module of functions
    kind: str  # LAYER, LOSS, INITIALIZER, OPTIMIZER, SCHEDULE or REGULARIZER
    build: Callable  # implementation (class or module) -> an instance built as the checks use it
    points: Optional[Callable]  # rng -> a gradient-check point: x, or (y_pred, y_true) for a loss,
    #                             (x, t, seed) for an optimizer's descent check, (strength, params) for a regularizer
    inputs: object  # hypothesis strategy of valid property inputs
    extreme: object  # hypothesis strategy of valid inputs at the edge of the promised range
    task: str  # the baseline task: REGRESSION, BINARY, CLASSES or PROBABILITIES
    model: Callable  # implementation -> (model, loss) trained on the bike data for the baseline
    elementwise: bool = False
    first_step: Optional[Callable] = None  # an optimizer's grads -> the direction d its first step moves along, -lr d

    @property
    def reference(self):
        """The reference implementation: the class, or the module for function components."""
        if self.class_name:
            return getattr(reference, self.class_name)
        return __import__(f"reference.{self.name}", fromlist=["*"])

    def subject(self, implementation=None):
        implementation = implementation or self.reference
        return Subject(self.name, lambda: self.build(implementation), self.inputs, self.extreme, implementation)

    @property
    def has_gradient(self):
        return self.kind in (LAYER, LOSS, REGULARIZER)


def gaussian(rng, n, m, scale=1.5):
    return [[rng.gauss(0.0, scale) for _ in range(m)] for _ in range(n)]


def with_kinks(rng, n, m):
    """A batch that sits on and next to the kink at 0: exact zeros and values within the step h."""
    x = gaussian(rng, n, m)
    x[0][0], x[1][m - 1], x[n - 1][0] = 0.0, 3e-6, -2e-6
    return x


def dense_like(dense, n_in, n_out, seed):
    """A Dense built positionally, then given the reference's initial weights (so runs compare)."""
    layer = dense(n_in, n_out)
    start = reference.Dense(n_in, n_out, seed, reference.he_normal)
    layer.params["W"], layer.params["b"] = start.params["W"], start.params["b"]
    return layer


def neuron_like(neuron, n_in, seed):
    """A Neuron built positionally, then given the reference's initial weights (so runs compare)."""
    unit = neuron(n_in)
    start = reference.Neuron(n_in, seed, reference.he_normal)
    unit.params["w"], unit.params["b"] = start.params["w"], start.params["b"]
    return unit


def mlp(hidden_activation, dense=reference.Dense, hidden=8):
    """The course's 5-8-1 network: Dense(5, 8), an activation, Dense(8, 1)."""
    return reference.Sequential([dense_like(dense, 5, hidden, 0), hidden_activation, dense_like(dense, hidden, 1, 1)])


def probabilities_point(rng):
    """(p, t) of shape (4, 1) or (4, 2): the usual column, and the N x M case whose mean is over all entries."""
    m = 1 + rng.randrange(2)
    p = [[rng.uniform(0.05, 0.95) for _ in range(m)] for _ in range(4)]
    return p, [[float((i + j) % 2) for j in range(m)] for i in range(4)]


def labels_point(rng):
    z = gaussian(rng, 4, 3)
    return z, [rng.randrange(3) for _ in range(4)]


def layer(name, class_name, build, columns=None, points=None, elementwise=True, extreme_elements=None, model=None):
    """A layer entry; property inputs are moderate batches, extreme ones reach 1e4."""
    return Component(
        name, class_name, LAYER, build,
        points or (lambda rng: gaussian(rng, 4, columns or 3)),
        s.batches(columns), s.batches(columns, extreme_elements or s.values(-s.EXTREME, s.EXTREME)),
        REGRESSION, model or (lambda impl: (mlp(build(impl)), reference.MSE())), elementwise,
    )


COMPONENTS = {c.name: c for c in [
    layer("neuron", "Neuron", lambda impl: impl(3), columns=3, elementwise=False,
          model=lambda impl: (neuron_like(impl, 5, 0), reference.MSE())),
    layer("dense", "Dense", lambda impl: impl(3, 2), columns=3, elementwise=False,
          model=lambda impl: (mlp(reference.ReLU(), dense=impl), reference.MSE())),
    layer("identity", "Identity", lambda impl: impl(),
          model=lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 1, 0), impl()]), reference.MSE())),
    layer("sigmoid", "Sigmoid", lambda impl: impl()),
    layer("tanh", "Tanh", lambda impl: impl()),
    layer("relu", "ReLU", lambda impl: impl(), points=lambda rng: with_kinks(rng, 4, 3)),
    layer("leaky_relu", "LeakyReLU", lambda impl: impl(0.1), points=lambda rng: with_kinks(rng, 4, 3)),
    Component("softmax", "Softmax", LAYER, lambda impl: impl(), lambda rng: gaussian(rng, 4, 3),
              s.batches(), s.batches(elements=s.values(-s.EXTREME, s.EXTREME)), PROBABILITIES,
              lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 2, 0), impl()]), reference.MSE())),
    layer("sequential", "Sequential", columns=3, elementwise=False,
          build=lambda impl: impl([reference.Dense(3, 4), reference.ReLU(), reference.Dense(4, 2, seed=1)]),
          model=lambda impl: (impl([dense_like(reference.Dense, 5, 8, 0), reference.Tanh(),
                                    dense_like(reference.Dense, 8, 1, 1)]), reference.MSE())),
    Component("mse", "MSE", LOSS, lambda impl: impl(),
              lambda rng: (gaussian(rng, 4, 2), gaussian(rng, 4, 2)),
              s.regression_batches(), s.regression_batches(s.values(-s.EXTREME, s.EXTREME)), REGRESSION,
              lambda impl: (mlp(reference.ReLU()), impl())),
    Component("binary_cross_entropy", "BinaryCrossEntropy", LOSS, lambda impl: impl(),
              probabilities_point,
              s.probability_batches(margin=0.01), s.probability_batches(), BINARY,
              lambda impl: (reference.Sequential([mlp(reference.ReLU()), reference.Sigmoid()]), impl())),
    Component("softmax_cross_entropy", "SoftmaxCrossEntropy", LOSS, lambda impl: impl(), labels_point,
              s.labelled_logits(), s.labelled_logits(s.values(-s.EXTREME, s.EXTREME)), CLASSES,
              lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 8, 0), reference.ReLU(),
                                                  dense_like(reference.Dense, 8, 2, 1)]), impl())),
    Component("initializers", "", INITIALIZER, lambda impl: impl, None, s.seeds(), s.seeds(), REGRESSION,
              lambda impl: (reference.Sequential([reference.Dense(5, 8, 0, impl.he_normal), reference.ReLU(),
                                                  reference.Dense(8, 1, 1, impl.xavier_uniform)]), reference.MSE())),
]}


class Stepping:
    """The baseline model of a training component: each backward ends with optimizer.step on the inner model.

    Its own params are empty, so the baseline's plain gradient step leaves the
    weights to the optimizer. A schedule sets optimizer.lr = lr_at(epoch, epochs),
    the epoch counted from the rows seen; a regularizer adds its gradient first.
    """

    def __init__(self, model, optimizer, lr_at=None, regularizer=None):
        self.model, self.optimizer, self.lr_at, self.regularizer = model, optimizer, lr_at, regularizer
        self.params, self.grads, self.rows_seen, self.rows = {}, {}, 0, 0
        self.training = True

    def forward(self, x):
        self.rows = len(x)
        self.model.training = self.training
        return self.model.forward(x)

    def backward(self, dy):
        dx = self.model.backward(dy)
        grads = self.model.grads
        if self.regularizer is not None:
            grads = self.regularizer.add(grads, self.model.params)
        if self.lr_at is not None:
            from checks.baseline import EPOCHS, bike_data  # imported here: checks.baseline imports this module
            self.optimizer.lr = self.lr_at(self.rows_seen // len(bike_data()[0][0]), EPOCHS)
        self.optimizer.step(self.model.params, grads)
        self.rows_seen += self.rows
        return dx


def stepping(optimizer, lr_at=None, regularizer=None):
    """(the 5-8-1 ReLU network trained by optimizer, MSE) for the baseline."""
    return Stepping(mlp(reference.ReLU()), optimizer, lr_at, regularizer), reference.MSE()


def optimizer(name, class_name, lr, first_step):
    """An optimizer entry: built as the class itself (the checks call cls(lr)); its baseline trains with cls(lr)."""
    return Component(name, class_name, OPTIMIZER, lambda impl: impl, descent_point, s.parameter_sets(),
                     s.parameter_sets(1e-6, 1e4), REGRESSION, lambda impl: stepping(impl(lr)), first_step=first_step)


def regularizer_point(rng):
    """(strength, params): two non-square weight matrices and a bias vector, as a network has them."""
    strength = rng.uniform(0.01, 1.0)
    return strength, {"0.W": gaussian(rng, 3, 2), "0.b": gaussian(rng, 1, 2)[0], "2.W": gaussian(rng, 2, 4)}


def adam_first_step(grads, eps=1e-8):
    """Adam's first step moves along g / (|g| + eps), entry by entry: about lr in every coordinate."""
    return {name: [[v / (abs(v) + eps) for v in row] for row in g] if isinstance(g[0], list)
            else [v / (abs(v) + eps) for v in g] for name, g in grads.items()}


COMPONENTS.update({c.name: c for c in [
    optimizer("sgd", "SGD", 0.1, lambda grads: grads),
    optimizer("momentum", "Momentum", 0.02, lambda grads: grads),
    optimizer("adam", "Adam", 0.005, adam_first_step),
    Component("schedules", "", SCHEDULE, lambda impl: impl, None, s.positive_scalars(), s.positive_scalars(),
              REGRESSION, lambda impl: stepping(reference.SGD(0.2), lambda t, epochs: impl.cosine(0.2, t, epochs))),
    Component("weight_decay", "WeightDecay", REGULARIZER, lambda impl: impl, regularizer_point,
              s.positive_scalars(), s.positive_scalars(), REGRESSION,
              lambda impl: stepping(reference.SGD(0.1), regularizer=impl(1e-3))),
]})


def normalization(implementation, n_features=3, seed=0):
    """A BatchNorm or LayerNorm with seeded gamma != 1 and beta != 0: with gamma = 1 a missing gamma factor hides."""
    layer = implementation(n_features)
    rng = random.Random(f"gamma and beta/{seed}")
    layer.params["gamma"] = [rng.uniform(0.5, 2.0) for _ in range(n_features)]
    layer.params["beta"] = [rng.uniform(-1.0, 1.0) for _ in range(n_features)]
    return layer


def with_layer_after_dense(layer, hidden=6):
    """(a 5-6-1 network with layer after its first Dense: Dense(5, 6), layer, ReLU, Dense(6, 1); MSE).

    Six hidden units rather than the course's eight: the layer costs a pass of its own, and the model still
    scores 59% to 69% of the mean's MSE (the margin asks for 85%)."""
    return reference.Sequential([dense_like(reference.Dense, 5, hidden, 0), layer, reference.ReLU(),
                                 dense_like(reference.Dense, hidden, 1, 1)]), reference.MSE()


def normalization_entry(name, class_name, min_rows):
    """A BatchNorm or LayerNorm entry: 3 features, gamma and beta seeded away from 1 and 0."""
    return Component(name, class_name, LAYER, normalization, lambda rng: gaussian(rng, 4, 3),
                     s.batches(3, min_rows=min_rows), s.batches(3, s.values(-s.EXTREME, s.EXTREME), min_rows),
                     REGRESSION, lambda impl: with_layer_after_dense(impl(6)))


COMPONENTS.update({c.name: c for c in [
    layer("dropout", "Dropout", lambda impl: impl(0.3, 0), elementwise=False,
          model=lambda impl: with_layer_after_dense(impl(0.1, 0))),
    normalization_entry("batch_norm", "BatchNorm", 2),  # N >= 2 in training mode
    normalization_entry("layer_norm", "LayerNorm", 1),
]})


def component_of(obj):
    """The component an exported object belongs to: the name of the module that defines it."""
    return obj.__module__.rsplit(".", 1)[-1]


def gradient_points(component, count=3):
    """count gradient-check points, from seeded generators (the same points every run)."""
    return [component.points(random.Random(seed)) for seed in range(count)]
