"""The convolution family's declarations: layers on images (N, C, H, W), with their baseline on the digits."""
import reference
from checks import nested
from checks.grading.rubric import DEFAULT
from checks.kinds import DIGITS, LAYER
from checks.models import dense_like
from checks.registry import Component, Step, Template

NO_PARAMS = ("self.params = {}  # no parameters: params and grads stay empty dicts", "self.grads = {}")


def digits_classifier(*layers, features=64):
    """(layers..., then Dense(features, 10) on their flattened output; SoftmaxCrossEntropy) for the digits baseline."""
    return (reference.Sequential([*layers, dense_like(reference.Dense, features, 10, 1)]),
            reference.SoftmaxCrossEntropy())


def image_inputs(channels=None, min_side=1):
    """(inputs, extreme): the property strategies of images (N, C, H, W) with C given or drawn, extreme up to 1e4."""
    return (lambda s: s.images(channels, min_side=min_side),
            lambda s: s.images(channels, s.values(-s.EXTREME, s.EXTREME), min_side))


# Conv2D ----------------------------------------------------------------------------------------------------------

CONV = (2, 3, 3, 2, 1)  # C = 2 channels to F = 3 filters (C != F: swapped axes change dW's shape), 3 x 3, stride 2, pad 1
CONV_FORWARD = ("output_shape_follows_the_formula", "a_one_hot_filter_picks_one_pixel",
                "shifting_the_input_shifts_the_output", "a_1x1_kernel_is_a_dense_over_channels")


def conv_like(conv, *arguments, seed=0):
    """A Conv2D built positionally, then given the reference's initial weights (so runs compare)."""
    layer = conv(*arguments)
    start = reference.Conv2D(*arguments, seed=seed)
    layer.params["W"], layer.params["b"] = start.params["W"], start.params["b"]
    return layer


def digits_cnn(conv):
    """Conv2D(1, 4, 3, stride 2, padding 1) -> Flatten -> ReLU -> Dense(64, 10): 8 x 8 digits to 4 maps of 4 x 4 (ReLU
    takes rows (N, D), so it follows Flatten; the two commute)."""
    return digits_classifier(conv_like(conv, 1, 4, 3, 2, 1), reference.Flatten(), reference.ReLU())


def conv_draw(component, sizes):
    """Conv2D(C, F, K, stride, padding) with F != C, K in {2, 3} or a pair, on x (N, C, H, W) with {H, W} = {3, 4} and
    N != C (small: a grading in the isolated child pays a round trip per forward of the finite differences).
    A stride of 2 and a padding of 1 along at least one axis each, so that a backward that ignores either shows (the
    properties draw stride 1 and padding 0 too)."""
    c = sizes.choice((1, 2))
    f = sizes.choice(v for v in (2, 3) if v != c)
    kernel = sizes.choice((2, 3, (3, 2), (2, 3)))
    stride, padding = sizes.choice((2, (2, 1), (1, 2))), sizes.choice((1, (1, 0), (0, 1)))
    h = sizes.choice((3, 4))
    w = 7 - h  # 4 or 3: H != W
    n = sizes.choice(v for v in (2, 3) if v != c)
    arguments = (c, f, kernel, stride, padding)
    return (lambda impl: impl(*arguments), lambda r: nested.gaussian(r, (n, c, h, w)),
            lambda s: s.images(c, min_side=3), lambda s: s.images(c, s.values(-s.EXTREME, s.EXTREME), 3),
            f"Conv2D({c}, {f}, {kernel}, stride={stride}, padding={padding}) on x ({n}, {c}, {h}, {w})")


CONV2D = Component(
    "conv2d", "Conv2D", LAYER, lambda impl: impl(*CONV), lambda rng: nested.gaussian(rng, (2, 2, 5, 4)),
    *image_inputs(2), DIGITS, digits_cnn, gradable=True, draw=conv_draw,
    template=Template("in_channels, out_channels, kernel_size, stride=1, padding=0, seed=0", init_doc=(
        "kernel_size, stride and padding are each an int or a pair (height, width): keep them as pairs.",
        "W (F, C, KH, KW) drawn from random.Random(seed): xavier_uniform(C KH KW, F) as a (C KH KW, F) matrix,",
        "column f reshaped to (C, KH, KW) in row-major order is W[f] (specs/conv2d.md, \"Definition\");",
        'b (F,) of zeros. params = {"W": W, "b": b}; grads has the same keys and shapes.'),
        imports=("math", "random")),
    steps=(Step(13, "Convolution as a sliding dot product", {"forward": 2, "properties": 2}, CONV_FORWARD,
                ("__init__", "forward")),
           Step(15, "A CNN on the digits", DEFAULT)))

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

DECLARED = [CONV2D, FLATTEN]
