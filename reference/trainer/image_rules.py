"""The rules of the image layers in a config's layer list; a broken one is a one-line ConfigError
(specs/config_rules.md, "Image layers").

config_rules.check_layers checks every entry's type and the names of its settings; here the values of the image
layers' settings, and the shapes: each layer must take what the one before gives.
"""
from reference.trainer.config_rules import ConfigError, check_layers, check_split, fail, integer
from reference.trainer.image_layers import IMAGE_LAYERS, output_shape, window

IMAGE_KEYS = {"loss": ["cross_entropy"]}  # the rules of keys that only a config on images has
REQUIRED = {"conv2d": ["filters", "kernel_size"], "max_pool2d": ["kernel_size"], "avg_pool2d": ["kernel_size"]}
ROWS_ONLY = ("dense", "neuron", "softmax")  # layers of rows (N, D): on images they need a flatten before them
LOWEST = {"kernel_size": 1, "stride": 1, "padding": 0}  # the settings that take an int or a pair [rows, columns]


def check_settings(entry, key):
    """An image layer entry's settings: the required ones present, each an int or a pair of ints in range."""
    for name in REQUIRED.get(entry["type"], []):
        if name not in entry:
            raise ConfigError(f"config key '{key}.{name}' is missing; a {entry['type']} layer needs it")
    if "filters" in entry and not (integer(entry["filters"]) and entry["filters"] > 0):
        fail(f"{key}.filters", "a positive integer", entry["filters"])
    for name, low in LOWEST.items():
        if name in entry:
            value = entry[name]
            given = [value] if not isinstance(value, list) else value if len(value) == 2 else [None]
            if not all(integer(v) and v >= low for v in given):
                fail(f"{key}.{name}", f"an integer >= {low} or a pair [rows, columns] of them", value)


def check_images(config, shape):
    """A config on images of shape (C, H, W): a split, and a layer list (classification) whose every layer takes what
    the one before gives."""
    check_split(config["data"]["split"])
    if "layers" not in config["model"]:
        fail("model.sizes", "left out: a network on images is a list of layers (model.layers)",
             config["model"].get("sizes"))
    check_layers(config["model"]["layers"], "classification")
    check_image_layers(config["model"]["layers"], shape)


def check_image_layers(layers, shape):
    """The layer list on examples of shape (C, H, W), or on rows when shape is None (no image data): every image
    layer's settings, and each layer's input as it needs it; ConfigError names the first that breaks a rule."""
    for i, entry in enumerate(layers):
        key, kind = f"model.layers[{i}]", entry["type"]
        if kind in IMAGE_LAYERS:
            check_settings(entry, key)
            if not isinstance(shape, tuple):
                where = "the data are rows, not images (data.images)" if shape is None else "after the flatten layer"
                fail(f"{key}.type", f"a layer that takes rows: {where}", kind)
            shape = fitted(entry, shape, key)
        elif shape is not None and kind in ROWS_ONLY:
            if isinstance(shape, tuple):
                fail(f"{key}.type", f"an image layer, an activation or flatten: a {kind} layer takes rows, and the "
                                    f"examples are images {list(shape)} here; put {{\"type\": \"flatten\"}} before it",
                     kind)
            shape = 1 if kind == "neuron" else entry.get("units", shape) if kind == "dense" else shape
    if isinstance(shape, tuple):
        fail("model.layers", f"a list that ends in rows, not images {list(shape)}: put a flatten layer and a dense "
                             "layer after the image layers", [entry["type"] for entry in layers])


def fitted(entry, shape, key):
    """The shape after an image layer, once its window is known to fit in the (padded) image."""
    if entry["type"] in ("conv2d", "max_pool2d", "avg_pool2d"):
        (kh, kw), _, (ph, pw) = window(entry)
        if kh > shape[1] + 2 * ph or kw > shape[2] + 2 * pw:
            fail(f"{key}.kernel_size", f"at most the image it is given, {shape[1]}x{shape[2]} with padding {ph}x{pw}",
                 entry["kernel_size"])
    return output_shape(entry, shape)
