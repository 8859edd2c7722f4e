"""The JSON configuration of a training run: defaults, reading, and the rules every key obeys (specs/config.md)."""
import copy
import difflib
import json
import math

from reference.architecture import ACTIVATIONS, INITIALIZERS
from reference.bike_sharing import FEATURES, SCALES, TARGETS

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
    "data": {"csv": None, "features": list(FEATURES), "target": "cnt", "target_scale": 1000.0,
             "split": [0.7, 0.1, 0.2], "every": 1},
}
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
}
KEYS = {  # dotted key -> a rule name, or the allowed strings
    "model.init": list(INITIALIZERS), "loss": ["mse"], "weight_decay": "non-negative", "epochs": "positive integer",
    "batch_size": "positive integer", "seed": "count", "keep": ["best_validation", "last"],
    "data.csv": "path", "data.target": list(TARGETS), "data.target_scale": "positive", "data.every": "positive integer",
    "optimizer.lr": "positive", "optimizer.beta": "fraction", "optimizer.beta1": "fraction",
    "optimizer.beta2": "fraction", "optimizer.eps": "positive", "schedule.every": "positive integer",
    "schedule.factor": "factor", "schedule.gamma": "factor", "schedule.minimum": "non-negative",
}


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
    """A config file -> the resolved config, or ConfigError."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file '{path}' cannot be read: {e}") from None
    try:
        given = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"config file '{path}' is not valid JSON: {e}") from None
    return resolve(given)


def resolve(given):
    """A (partial) config dict -> the full config, defaults filled in, every rule checked."""
    if not isinstance(given, dict):
        raise ConfigError(f"a config must be a JSON object of keys, got {type(given).__name__}")
    known_keys(given, DEFAULT, "")
    config = copy.deepcopy(DEFAULT)
    for section in ("model", "data"):
        config[section].update(given.get(section, {}))
    config.update({k: v for k, v in given.items() if k not in ("model", "data")})
    config["optimizer"] = named_section("optimizer", config["optimizer"], OPTIMIZERS, ["lr"])
    config["schedule"] = named_section("schedule", config["schedule"], SCHEDULES, [])
    for key, rule in KEYS.items():
        section, _, name = key.rpartition(".")
        holder = config[section] if section else config
        if name in holder:
            require(key, holder[name], rule)
    check_model(config["model"], config["data"])
    check_data(config["data"])
    if config["schedule"]["name"] == "cosine" and config["schedule"]["minimum"] >= config["optimizer"]["lr"]:
        fail("schedule.minimum", "smaller than optimizer.lr", config["schedule"]["minimum"])
    return config


def known_keys(given, default, prefix):
    """Every key of the model and data sections and of the top level is a key of DEFAULT."""
    for key, value in given.items():
        if key not in default:
            close = difflib.get_close_matches(key, list(default), n=1)
            hint = f"did you mean '{prefix}{close[0]}'? " if close else ""
            raise ConfigError(f"config key '{prefix}{key}' is not a known key; {hint}known keys here: "
                              + ", ".join(default))
        if key in ("model", "data"):
            if not isinstance(value, dict):
                fail(key, "an object of keys", value)
            known_keys(value, default[key], f"{key}.")


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


def check_model(model, data):
    """sizes: positive integers from the number of features to 1; one known activation per Dense layer."""
    sizes, activations = model["sizes"], model["activations"]
    if not isinstance(sizes, list) or len(sizes) < 2:
        fail("model.sizes", "a list of at least two layer sizes", sizes)
    for i, size in enumerate(sizes):
        require(f"model.sizes[{i}]", size, "positive integer")
    if isinstance(data["features"], list) and sizes[0] != len(data["features"]):
        fail("model.sizes[0]", f"the number of data.features ({len(data['features'])})", sizes[0])
    if sizes[-1] != 1:
        fail(f"model.sizes[{len(sizes) - 1}]", "1 (one output: the target)", sizes[-1])
    if not isinstance(activations, list) or len(activations) != len(sizes) - 1:
        fail("model.activations", f"a list of {len(sizes) - 1} names, one per Dense layer", activations)
    for i, name in enumerate(activations):
        require(f"model.activations[{i}]", name, list(ACTIVATIONS))


def check_data(data):
    """features: distinct known columns; split: three positive fractions (train, validation, test) summing to 1."""
    features, split = data["features"], data["split"]
    if not isinstance(features, list) or not features:
        fail("data.features", "a non-empty list of column names", features)
    for i, name in enumerate(features):
        require(f"data.features[{i}]", name, list(SCALES))
        if name in features[:i]:
            fail(f"data.features[{i}]", "a column not listed before", name)
    if not isinstance(split, list) or len(split) != 3 or not all(number(f) and f > 0 for f in split):
        fail("data.split", "three positive fractions: train, validation, test", split)
    if abs(sum(split) - 1.0) > 1e-9:
        fail("data.split", "fractions that sum to 1", split)
