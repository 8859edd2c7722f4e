"""The rules every key of a training config obeys; a broken one is a one-line ConfigError (specs/config_rules.md).

resolve (reference/trainer/config.py, specs/config.md) fills in the defaults, then checks the full config here.
"""
import json
import math

from reference.trainer.architecture import ACTIVATIONS, INITIALIZERS, LAYERS, RECURRENT, SETTINGS
from reference.trainer.bike_sequences import LAGS
from reference.trainer.bike_sharing import SCALES, TARGETS


class ConfigError(ValueError):
    """A config that breaks a rule; the message is one line naming the key and the rule."""


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def integer(v):
    return isinstance(v, int) and not isinstance(v, bool)


RULES = {  # key -> (test, the rule in words)
    "positive integer": (lambda v: integer(v) and v > 0, "a positive integer"),
    "count": (lambda v: integer(v) and v >= 0, "an integer >= 0"),
    "positive": (lambda v: number(v) and v > 0, "a positive number"),
    "non-negative": (lambda v: number(v) and v >= 0, "a number >= 0"),
    "fraction": (lambda v: number(v) and 0 <= v < 1, "a number in [0, 1)"),
    "factor": (lambda v: number(v) and 0 < v <= 1, "a number in (0, 1]"),
    "path": (lambda v: v is None or isinstance(v, str), "a file path (a string) or null"),
    "column": (lambda v: isinstance(v, str) and v != "", "the name of a column of data.csv"),
    "file": (lambda v: isinstance(v, str) and v != "", "the path of a CSV file (relative to the config's folder)"),
    "window": (lambda v: v is None or (integer(v) and v >= max(LAGS.values())),
               f"null (one row per hour) or a whole number of hours >= {max(LAGS.values())} (windows)"),
    "bptt": (lambda v: v is None or (integer(v) and v > 0), "null (the full sequence) or a positive integer"),
}
KEYS = {  # dotted key -> a rule name, or the allowed strings
    "model.init": list(INITIALIZERS), "weight_decay": "non-negative", "epochs": "positive integer",
    "batch_size": "positive integer", "seed": "count", "keep": ["best_validation", "last"],
    "data.target_scale": "positive", "data.every": "positive integer", "data.order": ["file", "shuffle"],
    "optimizer.lr": "positive", "optimizer.beta": "fraction", "optimizer.beta1": "fraction",
    "optimizer.beta2": "fraction", "optimizer.eps": "positive", "schedule.every": "positive integer",
    "schedule.factor": "factor", "schedule.gamma": "factor", "schedule.minimum": "non-negative",
    "bptt": "bptt",
}
BIKE_KEYS = {"data.csv": "path", "data.target": list(TARGETS), "loss": ["mse"], "data.window": "window"}
OWN_KEYS = {"data.csv": "file", "data.target": "column"}


def fail(key, rule, value):
    raise ConfigError(f"config key '{key}' must be {rule}, got {json.dumps(value)}")


def require(key, value, rule):
    """Check value against a rule name of RULES or a list of allowed strings."""
    if isinstance(rule, list):
        if value not in rule:
            fail(key, "one of " + ", ".join(f"'{r}'" for r in rule), value)
    elif not RULES[rule][0](value):
        fail(key, RULES[rule][1], value)


def check_keys(config, keys):
    """Check every key of keys that the config holds against its rule."""
    for key, rule in keys.items():
        section, _, name = key.rpartition(".")
        holder = config[section] if section else config
        if name in holder:
            require(key, holder[name], rule)


def check_model(model, data, task):
    """model.layers, or model.sizes with model.activations; the sizes of the bike data are checked here."""
    if "layers" in model:
        if "sizes" in model or "activations" in model:
            fail("model", "either \"layers\" or \"sizes\" with \"activations\", not both", sorted(model))
        check_layers(model["layers"], task)
    else:
        check_sizes(model, data, task)


def check_sizes(model, data, task):
    """sizes: positive integers (for the bike data: from the number of features to 1); one activation per Dense."""
    sizes, activations = model["sizes"], model["activations"]
    if not isinstance(sizes, list) or len(sizes) < 2:
        fail("model.sizes", "a list of at least two layer sizes", sizes)
    for i, size in enumerate(sizes):
        require(f"model.sizes[{i}]", size, "positive integer")
    if not task and sizes[0] != len(data["features"]):
        fail("model.sizes[0]", f"the number of data.features ({len(data['features'])})", sizes[0])
    if not task and sizes[-1] != 1:
        fail(f"model.sizes[{len(sizes) - 1}]", "1 (one output: the target)", sizes[-1])
    if not isinstance(activations, list) or len(activations) != len(sizes) - 1:
        fail("model.activations", f"a list of {len(sizes) - 1} names, one per Dense layer", activations)
    for i, name in enumerate(activations):
        require(f"model.activations[{i}]", name, list(ACTIVATIONS))


def check_layers(layers, task):
    """A non-empty list of {"type": ..., its settings}; only the last dense layer may leave out "units"."""
    if not isinstance(layers, list) or not layers:
        fail("model.layers", "a non-empty list of layers such as {\"type\": \"dense\", \"units\": 16}", layers)
    dense = [i for i, entry in enumerate(layers) if isinstance(entry, dict) and entry.get("type") == "dense"]
    for i, entry in enumerate(layers):
        key = f"model.layers[{i}]"
        if not isinstance(entry, dict):
            fail(key, "an object with a \"type\"", entry)
        require(f"{key}.type", entry.get("type"), list(LAYERS))
        for name in entry:
            if name != "type" and name not in SETTINGS.get(entry["type"], []):
                allowed = ", ".join(SETTINGS.get(entry["type"], [])) or "none"
                raise ConfigError(f"config key '{key}.{name}' is not a setting of a {entry['type']} layer; "
                                  f"its settings are: {allowed}")
        if "units" in entry:
            require(f"{key}.units", entry["units"], "positive integer")
        elif entry["type"] == "dense" and i != dense[-1]:
            raise ConfigError(f"config key '{key}.units' is missing; only the last dense layer may leave it out "
                              "(it then gives as many outputs as the task needs)")
        if "alpha" in entry:
            require(f"{key}.alpha", entry["alpha"], "non-negative")
    if task == "classification" and layers[-1]["type"] == "softmax":
        fail(f"model.layers[{len(layers) - 1}].type", "a layer other than softmax: the cross-entropy loss applies "
                                                      "the softmax (or the sigmoid) itself", "softmax")


def check_bike_target(data):
    """Without data.task the data has the bike data's columns: a CSV with another target asks for data.task."""
    if data["csv"] is not None and data["target"] not in TARGETS:
        fail("data.task", f"'regression' or 'classification' for a target other than {', '.join(TARGETS)} "
                          "(a CSV of your own)", None)


def check_data(data):
    """features: distinct known columns; split: three positive fractions (train, validation, test) summing to 1."""
    features = data["features"]
    if not isinstance(features, list) or not features:
        fail("data.features", "a non-empty list of column names", features)
    for i, name in enumerate(features):
        require(f"data.features[{i}]", name, list(SCALES))
        if name in features[:i]:
            fail(f"data.features[{i}]", "a column not listed before", name)
    check_split(data["split"])


def check_required(data):
    """With data.task, data.csv and data.target have no default: the config gives them."""
    for key in ("csv", "target"):
        if data[key] is None:
            raise ConfigError(f"config key 'data.{key}' is missing; data.task '{data['task']}' needs it")


def check_own_data(config, loss):
    """loss is the task's loss; features, if given, are distinct columns other than the target."""
    data = config["data"]
    require("loss", config["loss"], [loss])
    features = data["features"]
    if features is not None:
        if not isinstance(features, list) or not features:
            fail("data.features", "null (every other column) or a non-empty list of column names", features)
        for i, name in enumerate(features):
            require(f"data.features[{i}]", name, "column")
            if name in features[:i] or name == data["target"]:
                fail(f"data.features[{i}]", "a column not listed before and not the target", name)
    check_split(data["split"])


def check_split(split):
    if not isinstance(split, list) or len(split) != 3 or not all(number(f) and f > 0 for f in split):
        fail("data.split", "three positive fractions: train, validation, test", split)
    if abs(sum(split) - 1.0) > 1e-9:
        fail("data.split", "fractions that sum to 1", split)


# The sequence model: with data.window the bike data comes as windows (N, T, D) and the model is recurrent.
SEQUENCE_EXAMPLE = '[{"type": "lstm", "units": 16}, {"type": "last_step"}, {"type": "dense"}]'


def check_sequences(config):
    """data.window set: recurrent layers, then last_step, then layers on rows; else no layer on sequences, no bptt."""
    data, layers = config["data"], config["model"].get("layers")
    window = data.get("window")
    if window is None:
        for i, entry in enumerate(layers or []):
            if entry["type"] in RECURRENT or entry["type"] == "last_step":
                fail(f"model.layers[{i}].type", "a layer on rows: a recurrent layer and last_step read sequences; "
                                                "set data.window (e.g. 24) to train on windows of hours",
                     entry["type"])
        if config["bptt"] is not None:
            fail("bptt", "null: truncated backpropagation through time needs sequences (data.window)", config["bptt"])
        return
    if data["order"] != "file":
        fail("data.order", "'file' with data.window: windows are cut in time order, never shuffled", data["order"])
    if layers is None:
        fail("model", "a layer list with a recurrent layer for data.window, such as "
                      f"{{\"layers\": {SEQUENCE_EXAMPLE}}}", config["model"])
    check_sequence_layers(layers)
    if config["bptt"] is not None and config["bptt"] > window:
        fail("bptt", f"at most data.window ({window}): the steps backward goes through", config["bptt"])


def check_sequence_layers(layers):
    """Recurrent layers (each with units), one last_step, then layers on rows: e.g. lstm, last_step, dense."""
    kinds = [entry["type"] for entry in layers]
    if kinds.count("last_step") != 1:
        fail("model.layers", f"a list with one last_step after the recurrent layers, such as {SEQUENCE_EXAMPLE}",
             kinds)
    cut = kinds.index("last_step")
    recurrent = f"a recurrent layer ({', '.join(RECURRENT)})"
    for i, kind in enumerate(kinds):
        if i < cut and kind not in RECURRENT:
            fail(f"model.layers[{i}].type", f"{recurrent} before last_step", kind)
        if i > cut and kind in RECURRENT:
            fail(f"model.layers[{i}].type", "a layer on rows after last_step, not a recurrent one", kind)
        if kind in RECURRENT and "units" not in layers[i]:
            raise ConfigError(f"config key 'model.layers[{i}].units' is missing; the {kind} layer needs its "
                              "hidden size")
    if cut == 0:
        fail("model.layers[0].type", f"{recurrent} before last_step", kinds[0])
