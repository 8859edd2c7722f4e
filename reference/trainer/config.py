"""The JSON configuration of a training run: defaults, reading, and the rules every key obeys (specs/config.md)."""
import copy
import difflib
import json
import math
import os

from reference.trainer.architecture import ACTIVATIONS, INITIALIZERS, LAYERS, SETTINGS
from reference.trainer.bike_sharing import FEATURES, SCALES, TARGETS

DEFAULT = {
    "model": {"sizes": [5, 8, 1], "activations": ["relu", "identity"], "init": "he_normal"},
    "loss": "mse",
    "optimizer": {"name": "momentum", "lr": 0.05, "beta": 0.9},
    "schedule": {"name": "constant"},
    "weight_decay": 0.0,
    "epochs": 20,
    "batch_size": 64,
    "seed": 0,
    "keep": "best_validation",
    "data": {"csv": None, "task": None, "features": list(FEATURES), "target": "cnt", "target_scale": 1000.0,
             "split": [0.7, 0.1, 0.2], "order": "file", "every": 1},
}
OWN_DATA = {  # the defaults that change when data.task names the task of a CSV of the user's own
    "model": {"layers": [{"type": "dense", "units": 16}, {"type": "relu"}, {"type": "dense"}], "init": "he_normal"},
    "loss": {"regression": "mse", "classification": "cross_entropy"},
    "optimizer": {"name": "adam", "lr": 0.01},
    "epochs": 50,
    "batch_size": 32,
    "data": {"csv": None, "task": None, "target": None, "features": None, "split": [0.7, 0.15, 0.15],
             "order": "shuffle", "every": 1},
}
TASKS = ("regression", "classification")
OPTIMIZERS = {"sgd": {}, "momentum": {"beta": 0.9}, "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
SCHEDULES = {"constant": {}, "step": {"every": 10, "factor": 0.5}, "exponential": {"gamma": 0.9},
             "cosine": {"minimum": 0.0}}


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
}
KEYS = {  # dotted key -> a rule name, or the allowed strings
    "model.init": list(INITIALIZERS), "weight_decay": "non-negative", "epochs": "positive integer",
    "batch_size": "positive integer", "seed": "count", "keep": ["best_validation", "last"],
    "data.target_scale": "positive", "data.every": "positive integer", "data.order": ["file", "shuffle"],
    "optimizer.lr": "positive", "optimizer.beta": "fraction", "optimizer.beta1": "fraction",
    "optimizer.beta2": "fraction", "optimizer.eps": "positive", "schedule.every": "positive integer",
    "schedule.factor": "factor", "schedule.gamma": "factor", "schedule.minimum": "non-negative",
}
BIKE_KEYS = {"data.csv": "path", "data.target": list(TARGETS), "loss": ["mse"]}
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


def load(path):
    """A config file -> the resolved config, data.csv made absolute from the config's folder; or ConfigError."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file '{path}' cannot be read: {e}") from None
    try:
        given = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"config file '{path}' is not valid JSON: {e}") from None
    return resolve(given, os.path.dirname(os.path.abspath(path)))


def resolve(given, folder=None):
    """A (partial) config dict -> the full config, defaults filled in, every rule checked.

    A relative data.csv is taken relative to folder, when a folder is given.
    """
    if not isinstance(given, dict):
        raise ConfigError(f"a config must be a JSON object of keys, got {type(given).__name__}")
    data = given.get("data", {})
    task = data.get("task") if isinstance(data, dict) else None
    if task is not None:
        require("data.task", task, list(TASKS))
    defaults = own_data_defaults(task) if task else DEFAULT
    known_keys(given, defaults, "")
    config = merged(given, defaults)
    config["optimizer"] = named_section("optimizer", config["optimizer"], OPTIMIZERS, ["lr"])
    config["schedule"] = named_section("schedule", config["schedule"], SCHEDULES, [])
    if task:
        check_required(config["data"])
    else:
        check_bike_target(config["data"])
    check_keys(config, {**KEYS, **(OWN_KEYS if task else BIKE_KEYS)})
    if task:
        check_own_data(config)
    else:
        check_data(config["data"])
    check_model(config["model"], config["data"], task)
    if config["schedule"]["name"] == "cosine" and config["schedule"]["minimum"] >= config["optimizer"]["lr"]:
        fail("schedule.minimum", "smaller than optimizer.lr", config["schedule"]["minimum"])
    if folder and isinstance(config["data"]["csv"], str) and not os.path.isabs(config["data"]["csv"]):
        config["data"]["csv"] = os.path.join(folder, config["data"]["csv"])
    return config


def own_data_defaults(task):
    """The full defaults for a CSV of the user's own with this task."""
    defaults = copy.deepcopy({**DEFAULT, **OWN_DATA})
    defaults["loss"] = OWN_DATA["loss"][task]
    return defaults


def merged(given, defaults):
    """defaults with the given keys in; model and data merged key by key, model.layers replacing sizes/activations."""
    config = copy.deepcopy(defaults)
    model = given.get("model", {})
    if "layers" in model and "layers" not in config["model"]:
        config["model"] = {"layers": None, "init": config["model"]["init"]}
    elif ("sizes" in model or "activations" in model) and "layers" in config["model"]:
        config["model"] = copy.deepcopy(DEFAULT["model"])
    for section in ("model", "data"):
        config[section].update(given.get(section, {}))
    config.update({k: v for k, v in given.items() if k not in ("model", "data")})
    return config


def known_keys(given, default, prefix):
    """Every key of the model and data sections and of the top level is a key of the defaults."""
    allowed = {**default, "model": {**DEFAULT["model"], "layers": None}} if not prefix else default
    for key, value in given.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f"did you mean '{prefix}{close[0]}'? " if close else ""
            raise ConfigError(f"config key '{prefix}{key}' is not a known key; {hint}known keys here: "
                              + ", ".join(allowed))
        if key in ("model", "data"):
            if not isinstance(value, dict):
                fail(key, "an object of keys", value)
            known_keys(value, allowed[key], f"{key}.")


def check_keys(config, keys):
    """Check every key of keys that the config holds against its rule."""
    for key, rule in keys.items():
        section, _, name = key.rpartition(".")
        holder = config[section] if section else config
        if name in holder:
            require(key, holder[name], rule)


def named_section(section, given, choices, required):
    """An optimizer or schedule section: a known "name", its required keys, its own settings with defaults."""
    if not isinstance(given, dict):
        fail(section, "an object with a \"name\"", given)
    require(f"{section}.name", given.get("name"), list(choices))
    for key in required:
        if key not in given:
            raise ConfigError(f"config key '{section}.{key}' is missing; {section} '{given['name']}' needs it")
    settings = {"name": given["name"], **{key: given[key] for key in required}, **choices[given["name"]]}
    for key, value in given.items():
        if key not in settings:
            allowed = ", ".join(required + list(choices[given["name"]])) or "none"
            raise ConfigError(f"config key '{section}.{key}' is not a setting of {section} '{given['name']}'; "
                              f"its settings are: {allowed}")
        settings[key] = value
    return settings


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


def check_own_data(config):
    """loss fits the task; features, if given, are distinct columns other than the target."""
    data = config["data"]
    require("loss", config["loss"], [OWN_DATA["loss"][data["task"]]])
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
