"""What a grading draws from its seed: the constructor arguments and batch shapes the checks use.

A submission cannot be right only at fixed points: every grading draws two
variants of the component from its seed (e.g. Dense(4, 6) on batches of 5
rows and Dense(3, 2) on batches of 2), each a Component of the registry with
its build, points and property inputs replaced. Shapes are non-square and
batches have at least two rows; the values of the check points depend on the
seed too. The same seed draws the same variants, so `--seed` reproduces a
grading exactly.
"""
import dataclasses
import random

import reference
from checks.registry import OPTIMIZER, gaussian, normalization, with_kinks

SIZES = range(2, 8)  # batch rows and widths are drawn from these
FRESH_WIDTHS, FRESH_ROWS = (6, 7), (2, 3, 5, 6, 7)  # what no fixed check point uses: (4, 3) batches, 5-8-1 networks
ACTIVATIONS = ("ReLU", "Tanh", "Sigmoid", "LeakyReLU")  # the hidden activation of a graded network


@dataclasses.dataclass(frozen=True)
class Variant:
    """One drawn variant: the component as the checks use it, and a description for the report."""

    component: object  # a checks.registry.Component with build, points, inputs and extreme for this draw
    described: str  # e.g. "Dense(4, 6) on x (5, 4)"
    properties: object = None  # the Component the property suite runs on, when not this one

    @property
    def checked(self):
        """The Component the property suite runs on."""
        return self.properties or self.component


class Sizes:
    """Where one variant draws its widths (D, the input's columns) and batch rows (N) from."""

    def __init__(self, rng, widths, rows):
        self.rng, self.widths, self.rows = rng, widths, rows

    def choice(self, options):
        return self.rng.choice(list(options))

    def uniform(self, low, high):
        return self.rng.uniform(low, high)

    def width(self):
        return self.choice(self.widths)

    def other(self, *taken):
        """A width of SIZES other than those taken (an output width M != D)."""
        return self.choice(w for w in SIZES if w not in taken)

    def non_square(self, width):
        """A number of rows other than width: a transposed result cannot have the right shape."""
        return self.choice(n for n in self.rows if n != width)


def variants(component, seed):
    """The two variants of component that a grading with this seed uses: one drawn from every size, one from sizes
    that no fixed check point of checks/components.py uses (a submission cannot special-case them)."""
    rng = random.Random(f"grading {seed} {component.name}")
    pools = [Sizes(rng, SIZES, SIZES), Sizes(rng, FRESH_WIDTHS, FRESH_ROWS)]
    return [variant(component, sizes, f"{seed}/{index}") for index, sizes in enumerate(pools)]


def variant(component, sizes, tag):
    """One variant: shapes and arguments from rng; point values from the rng a check passes and tag."""
    if component.kind == OPTIMIZER:
        points = lambda r: component.points(random.Random(f"{tag}/{r.random()}"))  # noqa: E731
        return Variant(dataclasses.replace(component, points=points), f"{component.class_name}")
    draw = component.draw or elementwise_layer
    build, points, inputs, extreme, described = draw(component, sizes)
    values = lambda r: points(random.Random(f"{tag}/{r.random()}"))  # noqa: E731
    changed = dataclasses.replace(component, build=build, points=values, inputs=inputs, extreme=extreme)
    kept = component if component.network else None  # a network's suite compares with its declared layers
    return Variant(changed, described, kept)


def elementwise_layer(component, sizes, point=gaussian):
    """An activation: its constructor as registered, batches (N, D) with N != D."""
    d = sizes.width()
    n = sizes.non_square(d)
    return (component.build, lambda r: point(r, n, d), component.inputs, component.extreme,
            f"{component.class_name}() on x ({n}, {d})")


def kinked_layer(component, sizes):
    """An activation with a kink at 0: as elementwise_layer, on batches with entries on and next to the kink."""
    return elementwise_layer(component, sizes, with_kinks)


def leaky_relu(component, sizes):
    """LeakyReLU(alpha) with alpha drawn in [0.01, 0.5], never the 0.1 of the spec's examples."""
    alpha = round(sizes.choice([sizes.uniform(0.01, 0.09), sizes.uniform(0.11, 0.5)]), 3)
    d = sizes.width()
    n = sizes.non_square(d)
    return (lambda impl: impl(alpha), lambda r: with_kinks(r, n, d), component.inputs, component.extreme,
            f"LeakyReLU({alpha}) on x ({n}, {d})")


def dense(component, sizes):
    """Dense(D, M) with D != M, on batches (N, D) with N != D."""
    d = sizes.width()
    m, n = sizes.other(d), sizes.non_square(d)
    return (lambda impl: impl(d, m), lambda r: gaussian(r, n, d), lambda s: s.batches(d),
            lambda s: s.batches(d, s.values(-s.EXTREME, s.EXTREME)), f"Dense({d}, {m}) on x ({n}, {d})")


def neuron(component, sizes):
    """Neuron(D) on batches (N, D) with N != D."""
    d = sizes.width()
    n = sizes.non_square(d)
    return (lambda impl: impl(d), lambda r: gaussian(r, n, d), lambda s: s.batches(d),
            lambda s: s.batches(d, s.values(-s.EXTREME, s.EXTREME)), f"Neuron({d}) on x ({n}, {d})")


def sequential(component, sizes):
    """Sequential([Dense(D, H), an activation, Dense(H, M)]) with D, H, M drawn, on batches (N, D)."""
    d = sizes.width()
    h = sizes.other(d)
    m, n = sizes.other(d, h), sizes.non_square(d)
    name = sizes.choice(ACTIVATIONS)
    alpha = round(sizes.uniform(0.01, 0.5), 3)

    def build(impl):
        activation = reference.LeakyReLU(alpha) if name == "LeakyReLU" else getattr(reference, name)()
        return impl([reference.Dense(d, h), activation, reference.Dense(h, m, seed=1)])

    shown = f"LeakyReLU({alpha})" if name == "LeakyReLU" else f"{name}()"
    return (build, lambda r: gaussian(r, n, d), lambda s: s.batches(d), lambda s: s.batches(d, s.values(-s.EXTREME, s.EXTREME)),
            f"Sequential([Dense({d}, {h}), {shown}, Dense({h}, {m})]) on x ({n}, {d})")


def softmax(component, sizes):
    """Softmax on logits (N, K) with N != K."""
    k = sizes.width()
    n = sizes.non_square(k)
    return (component.build, lambda r: gaussian(r, n, k), component.inputs, component.extreme,
            f"Softmax() on x ({n}, {k})")


def mse(component, sizes):
    """MSE on (N, M) with N != M."""
    m = sizes.width()
    n = sizes.non_square(m)
    return (component.build, lambda r: (gaussian(r, n, m), gaussian(r, n, m)), component.inputs, component.extreme,
            f"MSE() on y_pred ({n}, {m})")


def binary_cross_entropy(component, sizes):
    """BinaryCrossEntropy on probabilities (N, M), M in 1..3, N != M, targets 0 or 1."""
    m = sizes.choice((1, 2, 3))
    n = sizes.non_square(m)

    def point(r):
        p = [[r.uniform(0.05, 0.95) for _ in range(m)] for _ in range(n)]
        return p, [[float(r.random() < 0.5) for _ in range(m)] for _ in range(n)]

    return (component.build, point, component.inputs, component.extreme,
            f"BinaryCrossEntropy() on p ({n}, {m})")


def softmax_cross_entropy(component, sizes):
    """SoftmaxCrossEntropy on logits (N, K) with N != K, and labels in [0, K)."""
    k = sizes.width()
    n = sizes.non_square(k)
    return (component.build, lambda r: (gaussian(r, n, k), [r.randrange(k) for _ in range(n)]), component.inputs,
            component.extreme, f"SoftmaxCrossEntropy() on z ({n}, {k})")


def normalized(component, sizes):
    """BatchNorm(D) or LayerNorm(D), gamma and beta seeded away from 1 and 0, on batches (N, D), N != D, N >= 2."""
    d = sizes.width()
    n = sizes.non_square(d)
    return (lambda impl: normalization(impl, d), lambda r: gaussian(r, n, d), lambda s: s.batches(d, min_rows=2),
            lambda s: s.batches(d, s.values(-s.EXTREME, s.EXTREME), 2), f"{component.class_name}({d}) on x ({n}, {d})")
