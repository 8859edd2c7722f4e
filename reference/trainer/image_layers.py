"""The layers of a network on images in a config's layer list: their settings, shapes and building
(specs/architecture.md; their rules are in reference/trainer/image_rules.py).

An image batch is (N, C, H, W); one example's shape (C, H, W) is what flows from layer to layer until a flatten
layer turns it into a row of width C * H * W. An elementwise activation (relu, tanh, ...) takes the images as they
are.
"""
from reference.avg_pool2d import AvgPool2D
from reference.batch_norm2d import BatchNorm2D
from reference.conv2d import Conv2D
from reference.flatten import Flatten
from reference.max_pool2d import MaxPool2D
from reference.tensor import output_size, pair

IMAGE_LAYERS = {"conv2d": Conv2D, "max_pool2d": MaxPool2D, "avg_pool2d": AvgPool2D, "batch_norm2d": BatchNorm2D,
                "flatten": Flatten}
IMAGE_SETTINGS = {"conv2d": ["filters", "kernel_size", "stride", "padding"], "max_pool2d": ["kernel_size", "stride"],
                  "avg_pool2d": ["kernel_size", "stride"]}


def window(entry):
    """An entry of conv2d or a pooling layer -> (kernel, stride, padding), each a pair (rows, columns)."""
    default_stride = 1 if entry["type"] == "conv2d" else entry["kernel_size"]  # pooling: windows side by side
    return (pair(entry["kernel_size"], "kernel_size", 1), pair(entry.get("stride", default_stride), "stride", 1),
            pair(entry.get("padding", 0), "padding", 0))


def output_shape(entry, shape):
    """One example's shape (C, H, W) before an image layer -> after it; after flatten, the row width C*H*W."""
    kind, (c, h, w) = entry["type"], shape
    if kind == "flatten":
        return c * h * w
    if kind == "batch_norm2d":
        return shape
    (kh, kw), (sh, sw), (ph, pw) = window(entry)
    return entry.get("filters", c), output_size(h, kh, sh, ph), output_size(w, kw, sw, pw)


def build(entry, shape, rng):
    """An image layer entry and one example's shape (C, H, W) before it -> the layer (conv2d seeded by rng)."""
    kind = entry["type"]
    if kind == "conv2d":
        kernel, stride, padding = window(entry)
        return Conv2D(shape[0], entry["filters"], kernel, stride, padding, rng.getrandbits(32))
    if kind in ("max_pool2d", "avg_pool2d"):
        kernel, stride, _ = window(entry)
        return IMAGE_LAYERS[kind](kernel, stride)
    if kind == "batch_norm2d":
        return BatchNorm2D(shape[0])
    return Flatten()

