"""Every component of reference/, each declared once: how the checks, the grader and the course use it.

The declarations are Components (checks/registry.py says what each field
means). Adding a component touches its spec (specs/<name>.md), its
reference file (reference/<name>.py), its declaration here or in its
family's module of checks/families/ (with its property suite,
checks/properties/<name>.py) and its planted bugs (tests/planted_course.py, or
its family's tests/planted_<family>.py); the completeness gate
(checks/completeness.py) names whatever else still disagrees.
"""
import random

import reference
from checks.descent import descent_point
from checks.grading import draws
from checks.grading.rubric import DEFAULT
from checks.models import dense_like, mlp, neuron_like, stepping
from checks.registry import (BINARY, CLASSES, INITIALIZER, LAYER, LOSS, OPTIMIZER, PROBABILITIES, REGRESSION,
                             REGULARIZER, SCHEDULE, Component, Step, Template, gaussian, normalization, with_kinks)

__all__ = ["COMPONENTS", "Component", "LAYER", "LOSS", "INITIALIZER", "OPTIMIZER", "SCHEDULE", "REGULARIZER",
           "REGRESSION", "BINARY", "CLASSES", "PROBABILITIES", "component_of", "gradient_points", "mlp", "gaussian",
           "with_kinks"]
PREDICTION = {"forward": 2, "properties": 2}
# The properties that call forward only, for the prediction steps (names in checks/properties/<component>.py)
NEURON_FORWARD = ("output_is_one_column_affine_in_x", "a_zero_input_gives_b_and_a_one_hot_input_gives_w_d_plus_b")
MSE_FORWARD = ("loss_is_nonnegative", "a_single_miss_of_r_costs_r_squared_over_N_M")
DENSE_FORWARD = ("output_is_affine_in_x", "a_zero_input_gives_b_in_every_row")
WITHOUT_TRAINING = {**DEFAULT, "baseline": 0}
BACKPROPAGATION = ("output_has_one_row_per_input_row", "backward_is_linear_in_dy",
                   "permuting_the_batch_permutes_the_output", "forward_applies_the_layers_in_order",
                   "params_are_the_layers_own_lists_under_index_dot_name", "grads_are_the_layers_grads",
                   "backward_runs_the_layers_backward_in_reverse")


def probabilities_point(rng):
    """(p, t) of shape (4, 1) or (4, 2): the usual column, and the N x M case whose mean is over all entries."""
    m = 1 + rng.randrange(2)
    p = [[rng.uniform(0.05, 0.95) for _ in range(m)] for _ in range(4)]
    return p, [[float((i + j) % 2) for j in range(m)] for i in range(4)]


def labels_point(rng):
    z = gaussian(rng, 4, 3)
    return z, [rng.randrange(3) for _ in range(4)]


def layer(name, class_name, build, columns=None, points=None, elementwise=True, extreme_elements=None, model=None,
          **declared):
    """A layer entry; property inputs are moderate batches, extreme ones reach 1e4."""
    return Component(
        name, class_name, LAYER, build,
        points or (lambda rng: gaussian(rng, 4, columns or 3)),
        lambda s: s.batches(columns), lambda s: s.batches(columns, extreme_elements or s.values(-s.EXTREME, s.EXTREME)),
        REGRESSION, model or (lambda impl: (mlp(build(impl)), reference.MSE())), elementwise, **declared,
    )


def activation(name, class_name, build=lambda impl: impl(), **declared):
    """An activation: gradable, and a layer the grader's library gives a network."""
    return layer(name, class_name, build, gradable=True, library=True, **declared)


COMPONENTS = {c.name: c for c in [
    layer("neuron", "Neuron", lambda impl: impl(3), columns=3, elementwise=False,
          model=lambda impl: (neuron_like(impl, 5, 0), reference.MSE()), gradable=True, draw=draws.neuron,
          template=Template("n_in, seed=0", init_doc=(
              'w (n_in,) drawn from random.Random(seed), Xavier uniform for n_out = 1 (specs/initializers.md);',
              'b = [0.0], a list of one number. params = {"w": w, "b": b}; grads has the same keys and shapes.'),
              imports=("math", "random")),
          steps=(Step(1, "A single neuron's prediction", PREDICTION, NEURON_FORWARD, ("__init__", "forward")),
                 Step(4, "Gradient descent on one weight", DEFAULT))),
    layer("dense", "Dense", lambda impl: impl(3, 2), columns=3, elementwise=False,
          model=lambda impl: (mlp(reference.ReLU(), dense=impl), reference.MSE()), gradable=True, library=True,
          draw=draws.dense,
          template=Template("n_in, n_out, seed=0", init_doc=(
              'W (n_in, n_out) drawn from random.Random(seed), Xavier uniform (specs/initializers.md);',
              'b (n_out,) of zeros. params = {"W": W, "b": b}; grads has the same keys and shapes.'),
              imports=("math", "random")),
          steps=(Step(5, "A layer as a matrix product", PREDICTION, DENSE_FORWARD, ("__init__", "forward")),
                 Step(7, "The chain rule through two layers", WITHOUT_TRAINING))),
    activation("identity", "Identity",
               model=lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 1, 0), impl()]),
                                   reference.MSE())),
    activation("sigmoid", "Sigmoid"),
    activation("tanh", "Tanh"),
    activation("relu", "ReLU", points=lambda rng: with_kinks(rng, 4, 3), draw=draws.kinked_layer,
               steps=(Step(6, "Activations", WITHOUT_TRAINING),)),
    activation("leaky_relu", "LeakyReLU", lambda impl: impl(0.1), points=lambda rng: with_kinks(rng, 4, 3),
               draw=draws.leaky_relu, template=Template("alpha=0.01", body=(
                   "self.alpha = alpha  # the slope for x <= 0: a fixed number, not a parameter",
                   "self.params = {}", "self.grads = {}"))),
    Component("softmax", "Softmax", LAYER, lambda impl: impl(), lambda rng: gaussian(rng, 4, 3),
              lambda s: s.batches(), lambda s: s.batches(elements=s.values(-s.EXTREME, s.EXTREME)), PROBABILITIES,
              lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 2, 0), impl()]), reference.MSE()),
              gradable=True, draw=draws.softmax),
    Component("mse", "MSE", LOSS, lambda impl: impl(),
              lambda rng: (gaussian(rng, 4, 3), gaussian(rng, 4, 3)),  # M = 2 would let 1/N pass for 2/(N M)
              lambda s: s.regression_batches(), lambda s: s.regression_batches(s.values(-s.EXTREME, s.EXTREME)), REGRESSION,
              lambda impl: (mlp(reference.ReLU()), impl()), gradable=True, draw=draws.mse,
              steps=(Step(2, "The loss", {"value": 2, "properties": 2}, MSE_FORWARD, ("forward",)),
                     Step(3, "The derivative of the loss, by hand and by finite differences", WITHOUT_TRAINING))),
    Component("binary_cross_entropy", "BinaryCrossEntropy", LOSS, lambda impl: impl(),
              probabilities_point,
              lambda s: s.probability_batches(margin=0.01), lambda s: s.probability_batches(), BINARY,
              lambda impl: (reference.Sequential([mlp(reference.ReLU()), reference.Sigmoid()]), impl()),
              gradable=True, draw=draws.binary_cross_entropy),
    Component("softmax_cross_entropy", "SoftmaxCrossEntropy", LOSS, lambda impl: impl(), labels_point,
              lambda s: s.labelled_logits(), lambda s: s.labelled_logits(s.values(-s.EXTREME, s.EXTREME)), CLASSES,
              lambda impl: (reference.Sequential([dense_like(reference.Dense, 5, 8, 0), reference.ReLU(),
                                                  dense_like(reference.Dense, 8, 2, 1)]), impl()),
              gradable=True, draw=draws.softmax_cross_entropy),
    layer("sequential", "Sequential", columns=3, elementwise=False,
          build=lambda impl: impl([reference.Dense(3, 4), reference.ReLU(), reference.Dense(4, 2, seed=1)]),
          model=lambda impl: (impl([dense_like(reference.Dense, 5, 8, 0), reference.Tanh(),
                                    dense_like(reference.Dense, 8, 1, 1)]), reference.MSE()),
          gradable=True, network=True, draw=draws.sequential,
          template=Template("layers", init_doc=(
              'Keep the layers. params and grads are dicts (or mappings) keyed "<index>.<name>" ("0.W" is the',
              "W of layer 0) holding the layers' own lists, so that an optimizer editing params[\"0.W\"] in",
              "place, or a grader replacing it, changes layer 0 (specs/sequential.md, specs/protocol.md)."), notes=(
              "The grader gives Sequential its layers (Dense, ReLU, Tanh, ...) from its own library: the",
              "reference's layers, sent with your file. Your file holds Sequential only.")),
          steps=(Step(8, "Backpropagation in an MLP", WITHOUT_TRAINING, BACKPROPAGATION),
                 Step(12, "Comparing with PyTorch", DEFAULT))),
    Component("initializers", "", INITIALIZER, lambda impl: impl, None, lambda s: s.seeds(), lambda s: s.seeds(), REGRESSION,
              lambda impl: (reference.Sequential([reference.Dense(5, 8, 0, impl.he_normal), reference.ReLU(),
                                                  reference.Dense(8, 1, 1, impl.xavier_uniform)]), reference.MSE())),
]}


def optimizer(name, class_name, lr, first_step, template, steps=()):
    """An optimizer entry, gradable: built as the class itself (the checks call cls(lr)); its baseline trains with
    cls(lr)."""
    return Component(name, class_name, OPTIMIZER, lambda impl: impl, descent_point, lambda s: s.parameter_sets(),
                     lambda s: s.parameter_sets(1e-6, 1e4), REGRESSION, lambda impl: stepping(impl(lr)), first_step=first_step,
                     gradable=True, template=template, steps=steps)


def regularizer_point(rng):
    """(strength, params): two non-square weight matrices and a bias vector, as a network has them."""
    strength = rng.uniform(0.01, 1.0)
    return strength, {"0.W": gaussian(rng, 3, 2), "0.b": gaussian(rng, 1, 2)[0], "2.W": gaussian(rng, 2, 4)}


def adam_first_step(grads, eps=1e-8):
    """Adam's first step moves along g / (|g| + eps), entry by entry: about lr in every coordinate."""
    return {name: [[v / (abs(v) + eps) for v in row] for row in g] if isinstance(g[0], list)
            else [v / (abs(v) + eps) for v in g] for name, g in grads.items()}


LR_READ = "self.lr = lr  # read at every step: a learning-rate schedule may change it"
COMPONENTS.update({c.name: c for c in [
    optimizer("sgd", "SGD", 0.1, lambda grads: grads, Template("lr", body=(LR_READ + " between steps",)), steps=(
        Step(9, "Mini-batches", {"gradient": 4, "properties": 2}),
        Step(10, "Training on the bike data", {"training": 4}),
        Step(11, "Beating the mean, and reading the curves", {"baseline": 4}))),
    optimizer("momentum", "Momentum", 0.02, lambda grads: grads, Template("lr, beta=0.9", body=(
        LR_READ, "self.beta = beta", "self.velocity = {}  # name -> v, created at its first step"))),
    optimizer("adam", "Adam", 0.005, adam_first_step, Template("lr, beta1=0.9, beta2=0.999, eps=1e-8", body=(
        LR_READ, "self.beta1, self.beta2, self.eps = beta1, beta2, eps",
        "self.m, self.v, self.t = {}, {}, {}  # by name: first and second moments, and the step count"))),
    Component("schedules", "", SCHEDULE, lambda impl: impl, None, lambda s: s.positive_scalars(), lambda s: s.positive_scalars(),
              REGRESSION, lambda impl: stepping(reference.SGD(0.2), lambda t, epochs: impl.cosine(0.2, t, epochs))),
    Component("weight_decay", "WeightDecay", REGULARIZER, lambda impl: impl, regularizer_point,
              lambda s: s.positive_scalars(), lambda s: s.positive_scalars(), REGRESSION,
              lambda impl: stepping(reference.SGD(0.1), regularizer=impl(1e-3))),
]})


def with_layer_after_dense(layer, hidden=6):
    """(a 5-6-1 network with layer after its first Dense: Dense(5, 6), layer, ReLU, Dense(6, 1); MSE).

    Six hidden units rather than the course's eight: the layer costs a pass of its own, and the model still
    scores 59% to 69% of the mean's MSE (the margin asks for 85%)."""
    return reference.Sequential([dense_like(reference.Dense, 5, hidden, 0), layer, reference.ReLU(),
                                 dense_like(reference.Dense, hidden, 1, 1)]), reference.MSE()


def normalization_entry(name, class_name, min_rows, template):
    """A BatchNorm or LayerNorm entry: 3 features, gamma and beta seeded away from 1 and 0."""
    return Component(name, class_name, LAYER, normalization, lambda rng: gaussian(rng, 4, 3),
                     lambda s: s.batches(3, min_rows=min_rows),
                     lambda s: s.batches(3, s.values(-s.EXTREME, s.EXTREME), min_rows),
                     REGRESSION, lambda impl: with_layer_after_dense(impl(6)), gradable=True, draw=draws.normalized,
                     template=template)


COMPONENTS.update({c.name: c for c in [
    layer("dropout", "Dropout", lambda impl: impl(0.3, 0), elementwise=False,
          model=lambda impl: with_layer_after_dense(impl(0.1, 0)), gradable=True,
          template=Template("p=0.5, seed=0", (
              "self.p = p  # the probability of dropping an entry",
              "self.rng = random.Random(seed)  # draw every mask from this generator, nothing else",
              "self.training = True  # the mode: False in evaluation (specs/protocol.md)",
              "self.params = {}", "self.grads = {}"), imports=("math", "random"))),
    normalization_entry("batch_norm", "BatchNorm", 2, Template("n_features, eps=1e-5, momentum=0.1", (  # N >= 2
        "self.eps, self.momentum = eps, momentum",
        "self.training = True  # the mode; False in evaluation (specs/protocol.md, \"Modes\")",
        'self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}',
        'self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}',
        "self.running_mean = [0.0] * n_features  # moved towards each training batch's mean",
        "self.running_var = [1.0] * n_features  # moved towards each training batch's unbiased variance"),
        notes=("BatchNorm's output rows depend on each other (through the batch statistics): keep the class",
               "attribute rows_independent = False below the class line (specs/protocol.md)."))),
    normalization_entry("layer_norm", "LayerNorm", 1, Template("n_features, eps=1e-5", (
        "self.eps = eps",
        'self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}',
        'self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}'))),
]})


from checks.families import convolution, recurrence  # noqa: E402  (they build on the helpers above)

COMPONENTS.update({c.name: c for c in convolution.DECLARED + recurrence.DECLARED})


def component_of(obj):
    """The component an exported object belongs to: the name of the module that defines it."""
    return obj.__module__.rsplit(".", 1)[-1]


def gradient_points(component, count=3):
    """count gradient-check points, from seeded generators (the same points every run)."""
    return [component.points(random.Random(seed)) for seed in range(count)]
