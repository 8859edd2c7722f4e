"""The JSON configuration of a training run: the defaults, reading a file, and resolving a config (specs/config.md).

resolve fills in the defaults and each named optimizer or schedule section, then checks every key against the rules
of reference/trainer/config_rules.py (specs/config_rules.md).
"""
import copy
import difflib
import json
import os

from reference.trainer import digits
from reference.trainer.bike_sharing import FEATURES
from reference.trainer.config_rules import (BIKE_KEYS, KEYS, OWN_KEYS, ConfigError, check_bike_target, check_data,
                                            check_keys, check_model, check_own_data, check_required, check_sequences,
                                            fail, require)
from reference.trainer.image_rules import IMAGE_KEYS, check_image_layers, check_images

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
    "bptt": None,
    "data": {"csv": None, "task": None, "features": list(FEATURES), "target": "cnt", "target_scale": 1000.0,
             "split": [0.7, 0.1, 0.2], "order": "file", "every": 1, "window": None},
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
# The defaults that change when data.images names a set of images: a small CNN on the handwritten digits
IMAGES = {
    "model": {"layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": 1}, {"type": "relu"},
                         {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"}, {"type": "dense"}],
              "init": "he_normal"},
    "loss": "cross_entropy",
    "optimizer": {"name": "adam", "lr": 0.01},
    "epochs": 10,
    "batch_size": 32,
    "data": {"images": None, "split": [0.7, 0.1, 0.2], "every": 1},
}
IMAGE_SETS = {"digits": digits.SHAPE}  # data.images -> the shape (C, H, W) of one image
TASKS = ("regression", "classification")
OPTIMIZERS = {"sgd": {}, "momentum": {"beta": 0.9}, "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
SCHEDULES = {"constant": {}, "step": {"every": 10, "factor": 0.5}, "exponential": {"gamma": 0.9},
             "cosine": {"minimum": 0.0}}


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
    images = data.get("images") if isinstance(data, dict) else None
    if task is not None:
        require("data.task", task, list(TASKS))
    if images is not None:
        require("data.images", images, list(IMAGE_SETS))
    defaults = {**DEFAULT, **copy.deepcopy(IMAGES)} if images else own_data_defaults(task) if task else DEFAULT
    known_keys(given, defaults, "")
    config = merged(given, defaults)
    config["optimizer"] = named_section("optimizer", config["optimizer"], OPTIMIZERS, ["lr"])
    config["schedule"] = named_section("schedule", config["schedule"], SCHEDULES, [])
    if images:
        check_keys(config, {**KEYS, **IMAGE_KEYS})
        check_sequences(config)
        check_images(config, IMAGE_SETS[images])
        check_schedule(config)
        return config
    if task:
        check_required(config["data"])
    else:
        check_bike_target(config["data"])
    check_keys(config, {**KEYS, **(OWN_KEYS if task else BIKE_KEYS)})
    if task:
        check_own_data(config, OWN_DATA["loss"][task])
    else:
        check_data(config["data"])
    check_model(config["model"], config["data"], task)
    check_sequences(config)
    check_image_layers(config["model"].get("layers", []), None)
    check_schedule(config)
    if folder and isinstance(config["data"]["csv"], str) and not os.path.isabs(config["data"]["csv"]):
        config["data"]["csv"] = os.path.join(folder, config["data"]["csv"])
    return config


def check_schedule(config):
    """The cosine schedule ends below the learning rate it starts from."""
    if config["schedule"]["name"] == "cosine" and config["schedule"]["minimum"] >= config["optimizer"]["lr"]:
        fail("schedule.minimum", "smaller than optimizer.lr", config["schedule"]["minimum"])


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


