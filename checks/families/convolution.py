"""The convolution family's declarations: layers on images (N, C, H, W), with their baseline on the digits."""
import reference
from checks import nested
from checks.grading.rubric import DEFAULT
from checks.kinds import DIGITS, LAYER
from checks.models import dense_like
from checks.registry import Component, Step, Template, normalization

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


# MaxPool2D and AvgPool2D ------------------------------------------------------------------------------------------

POOLING_CHECKED = ((2, 3), (1, 2))  # the checks' window: non-square, and windows overlap in both directions
TIE = 3.5  # the value planted twice in a point's first window: above every other entry of that window


def with_ties(rng, shape):
    """Gaussian images (N, C, H, W), no two entries equal, except an exact tie at the top of x[0][0]'s first window
    and a tie within the step h of the check next to it: a tie is a kink of max, as 0 is of ReLU."""
    x = nested.gaussian(rng, shape)
    x[0][0][0][0] = x[0][0][0][1] = TIE
    x[-1][-1][-1][-2], x[-1][-1][-1][-1] = TIE, TIE + 3e-6
    return x


def pooling_point(rng):
    """x (2, 2, 4, 5): two images of two channels, ties included (with_ties)."""
    return with_ties(rng, (2, 2, 4, 5))


def pooling_model(impl):
    """impl(2, 1) on the digits (N, 1, 8, 8) -> (N, 1, 7, 7), Flatten, Dense(49, 10): logits of the ten classes.

    Overlapping windows: with impl(2) (16 features) two epochs on the subsample stay above 85% of the prior's
    cross-entropy (2.13 of 2.30 for MaxPool2D)."""
    return digits_classifier(impl(2, 1), reference.Flatten(), features=49)


def pooling_draw(component, sizes):
    """A pooling layer with a drawn window and a stride below it in one direction at least, so that windows overlap
    (the properties try the default stride), on images (N, C, H, W) with N != C and H, W >= the window."""
    kernel = sizes.choice([2, 3, (2, 3), (3, 2)])
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    stride = sizes.choice([1, (1, 2), (2, 1)])
    c = sizes.choice((1, 2, 3))
    n = sizes.choice(k for k in (2, 3) if k != c)
    h, w = sizes.choice(range(kh, 6)), sizes.choice(range(kw, 6))
    return (lambda impl: impl(kernel, stride), lambda r: with_ties(r, (n, c, h, w)),
            *image_inputs(c, min_side=3),
            f"{component.class_name}({kernel!r}, {stride!r}) on x ({n}, {c}, {h}, {w})")


IMAGES_NOTE = "x is a batch of images (N, C, H, W): N lists of C planes of H rows of W floats."


def pooling(name, class_name, notes=(), steps=()):
    return Component(name, class_name, LAYER, lambda impl: impl(*POOLING_CHECKED), pooling_point,
                     *image_inputs(min_side=3), DIGITS, pooling_model, gradable=True, draw=pooling_draw, steps=steps,
                     template=Template("kernel_size, stride=None", (
                         "self.kernel_size = kernel_size  # an int k (a k x k window), or a pair (KH, KW):",
                         "#                                 a tuple or a list",
                         "self.stride = kernel_size if stride is None else stride  # an int or a pair, as kernel_size",
                         ) + NO_PARAMS, notes=(IMAGES_NOTE,) + notes))


POOLING_STEP = Step(14, "Pooling", {"forward": 2, "gradient": 4, "overwrite": 1, "fresh-cache": 1, "no-mutation": 1,
                                    "determinism": 1, "stability": 1, "properties": 2, "convention": 1})
TIE_NOTE = ("At a tie the first maximum of the window, in row-major order, takes all of its dy",
            "(specs/max_pool2d.md, \"Conventions\").")
MAX_POOL2D = pooling("max_pool2d", "MaxPool2D", TIE_NOTE, (POOLING_STEP,))
AVG_POOL2D = pooling("avg_pool2d", "AvgPool2D")


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


# BatchNorm2D -----------------------------------------------------------------------------------------------------

def spatial_point(rng):
    """x (3, 2, 3, 2): statistics over 3 images of 3 x 2 pixels per channel."""
    return nested.gaussian(rng, (3, 2, 3, 2), 1.5)


def spatial_model(impl):
    """impl(1) on the digits (N, 1, 8, 8), gamma and beta seeded, then Flatten and Dense(64, 10)."""
    return digits_classifier(normalization(impl, 1), reference.Flatten())


def spatial_draw(component, sizes):
    """BatchNorm2D(C), gamma and beta seeded away from 1 and 0, on images (N, C, H, W), C in 2..4, N in 2..3, N != C."""
    c = sizes.choice((2, 3, 4))
    n = sizes.choice(k for k in (2, 3) if k != c)
    h, w = sizes.choice((2, 3, 4)), sizes.choice((2, 3))
    return (lambda impl: normalization(impl, c), lambda r: nested.gaussian(r, (n, c, h, w), 1.5), *spatial_inputs(c),
            f"BatchNorm2D({c}) on x ({n}, {c}, {h}, {w})")


SPATIAL_SIDE = 3  # H, W <= 3 in BatchNorm2D's property inputs: with N >= 2, up to 18 entries per channel


def spatial_inputs(channels):
    """(inputs, extreme): images with the given channels, H and W up to 3, and N >= 2, so that N H W >= 2."""
    return (lambda s: s.images(channels, max_side=SPATIAL_SIDE, min_rows=2),
            lambda s: s.images(channels, s.values(-s.EXTREME, s.EXTREME), max_side=SPATIAL_SIDE, min_rows=2))


BATCH_NORM2D = Component(
    "batch_norm2d", "BatchNorm2D", LAYER, lambda impl: normalization(impl, 2), spatial_point, *spatial_inputs(2),
    DIGITS, spatial_model, gradable=True, draw=spatial_draw,
    template=Template("n_channels, eps=1e-5, momentum=0.1", (
        "self.eps, self.momentum = eps, momentum",
        "self.training = True  # the mode; False in evaluation (specs/protocol.md, \"Modes\")",
        'self.params = {"gamma": [1.0] * n_channels, "beta": [0.0] * n_channels}',
        'self.grads = {"gamma": [0.0] * n_channels, "beta": [0.0] * n_channels}',
        "self.running_mean = [0.0] * n_channels  # moved towards each training batch's channel means",
        "self.running_var = [1.0] * n_channels  # moved towards each training batch's unbiased variances"),
        notes=(IMAGES_NOTE, "BatchNorm2D's output images depend on each other (through the batch statistics): keep the",
               "class attribute rows_independent = False below the class line (specs/protocol.md).")))

DECLARED = [CONV2D, MAX_POOL2D, AVG_POOL2D, FLATTEN, BATCH_NORM2D]
