"""The convolution family's declarations: layers on images (N, C, H, W), with their baseline on the digits."""

import reference
from checks import nested
from checks.kinds import DIGITS
from checks.models import dense_like
from checks.registry import LAYER, Component, Step, Template, normalization

DECLARED = []


# Pooling and spatial batch normalization.

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


def pooling_inputs(s, elements=None):
    return s.image_batches(elements=elements, min_side=3)


def pooling_model(impl):
    """impl(2) on the digits (N, 1, 8, 8) -> (N, 1, 4, 4), Flatten, Dense(16, 10): logits of the ten classes."""
    return (reference.Sequential([impl(2), reference.Flatten(), dense_like(reference.Dense, 16, 10, 0)]),
            reference.SoftmaxCrossEntropy())


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
            lambda s: s.image_batches(c, min_side=3), lambda s: s.image_batches(c, s.values(-s.EXTREME, s.EXTREME), 3),
            f"{component.class_name}({kernel!r}, {stride!r}) on x ({n}, {c}, {h}, {w})")


def pooling(name, class_name, steps=()):
    return Component(name, class_name, LAYER, lambda impl: impl(*POOLING_CHECKED), pooling_point, pooling_inputs,
                     lambda s: pooling_inputs(s, s.values(-s.EXTREME, s.EXTREME)), DIGITS, pooling_model,
                     gradable=True, draw=pooling_draw, steps=steps, template=Template("kernel_size, stride=None", (
                         "self.kernel_size = kernel_size  # an int k (a k x k window) or a pair (KH, KW)",
                         "self.stride = kernel_size if stride is None else stride  # an int or a pair, as kernel_size",
                         "self.params = {}  # no parameters: params and grads stay empty dicts",
                         "self.grads = {}")))


def spatial_point(rng):
    """x (3, 2, 3, 2): statistics over 3 images of 3 x 2 pixels per channel."""
    return nested.gaussian(rng, (3, 2, 3, 2), 1.5)


def spatial_model(impl):
    """impl(1) on the digits (N, 1, 8, 8), AvgPool2D(2), Flatten, Dense(16, 10)."""
    return (reference.Sequential([normalization(impl, 1), reference.AvgPool2D(2), reference.Flatten(),
                                  dense_like(reference.Dense, 16, 10, 0)]), reference.SoftmaxCrossEntropy())


def spatial_draw(component, sizes):
    """BatchNorm2D(C), gamma and beta seeded away from 1 and 0, on images (N, C, H, W), C in 2..4, N in 2..3, N != C."""
    c = sizes.choice((2, 3, 4))
    n = sizes.choice(k for k in (2, 3) if k != c)
    h, w = sizes.choice((2, 3, 4)), sizes.choice((2, 3))
    return (lambda impl: normalization(impl, c), lambda r: nested.gaussian(r, (n, c, h, w), 1.5),
            lambda s: s.image_batches(c, min_images=2), lambda s: s.image_batches(c, s.values(-s.EXTREME, s.EXTREME),
                                                                                  min_images=2),
            f"BatchNorm2D({c}) on x ({n}, {c}, {h}, {w})")


POOLING_STEP = Step(14, "Pooling", {"forward": 2, "gradient": 4, "overwrite": 1, "fresh-cache": 1, "no-mutation": 1,
                                    "determinism": 1, "stability": 1, "properties": 2})
DECLARED += [
    pooling("max_pool2d", "MaxPool2D", steps=(POOLING_STEP,)),
    pooling("avg_pool2d", "AvgPool2D"),
    Component("batch_norm2d", "BatchNorm2D", LAYER, lambda impl: normalization(impl, 2), spatial_point,
              lambda s: s.image_batches(2, min_images=2),
              lambda s: s.image_batches(2, s.values(-s.EXTREME, s.EXTREME), min_images=2), DIGITS, spatial_model,
              gradable=True, draw=spatial_draw, template=Template("n_channels, eps=1e-5, momentum=0.1", (
                  "self.eps, self.momentum = eps, momentum",
                  "self.training = True  # the mode; False in evaluation (specs/protocol.md, \"Modes\")",
                  'self.params = {"gamma": [1.0] * n_channels, "beta": [0.0] * n_channels}',
                  'self.grads = {"gamma": [0.0] * n_channels, "beta": [0.0] * n_channels}',
                  "self.running_mean = [0.0] * n_channels  # moved towards each training batch's channel means",
                  "self.running_var = [1.0] * n_channels  # moved towards each training batch's unbiased variances"),
                  notes=("BatchNorm2D's output images depend on each other (through the batch statistics): keep the",
                         "class attribute rows_independent = False below the class line (specs/protocol.md)."))),
]
