"""The convolution family's declarations: layers on images (N, C, H, W), with their baseline on the digits."""
import reference
from checks import nested
from checks.kinds import DIGITS, LAYER
from checks.models import dense_like
from checks.registry import Component, Template

NO_PARAMS = ("self.params = {}  # no parameters: params and grads stay empty dicts", "self.grads = {}")


def digits_classifier(*layers, features=64):
    """(layers..., then Dense(features, 10) on their flattened output; SoftmaxCrossEntropy) for the digits baseline."""
    return (reference.Sequential([*layers, dense_like(reference.Dense, features, 10, 1)]),
            reference.SoftmaxCrossEntropy())


def image_inputs(channels=None, min_side=1):
    """(inputs, extreme): the property strategies of images (N, C, H, W) with C given or drawn, extreme up to 1e4."""
    return (lambda s: s.images(channels, min_side=min_side),
            lambda s: s.images(channels, s.values(-s.EXTREME, s.EXTREME), min_side))


# Flatten ---------------------------------------------------------------------------------------------------------

def flatten_draw(component, sizes):
    """Flatten() on x (N, C, H, W) with C in 1..3, H != W and N != C drawn."""
    c = sizes.choice((1, 2, 3))
    h = sizes.choice((2, 3, 4))
    w = sizes.choice(v for v in (2, 3, 4) if v != h)
    n = sizes.choice(v for v in (2, 3) if v != c)
    return (component.build, lambda r: nested.gaussian(r, (n, c, h, w)), component.inputs, component.extreme,
            f"Flatten() on x ({n}, {c}, {h}, {w})")


FLATTEN = Component(
    "flatten", "Flatten", LAYER, lambda impl: impl(), lambda rng: nested.gaussian(rng, (2, 3, 2, 4)),
    *image_inputs(), DIGITS, lambda impl: digits_classifier(impl()), gradable=True, draw=flatten_draw,
    template=Template("", body=NO_PARAMS + ("self.dims = None  # the shape of one example, (C, H, W), for backward",),
                      notes=("Read each example in row-major order: the last axis fastest (specs/flatten.md).",),
                      imports=()))

DECLARED = [FLATTEN]
