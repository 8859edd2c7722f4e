"""A config that breaks a rule stops `python -m reference train` before any training: one line on stderr
naming the key and the rule, exit code 2, no traceback, no run folder."""
import json
import os
import re
import subprocess
import sys

import pytest

from reference.trainer.config import DEFAULT, load, resolve
from reference.trainer.config_rules import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = os.path.join("reference", "trainer", "configs")  # the shipped configs, inside the package

BAD = [  # (config text, words the one-line error must contain)
    ('{"epochs": 3,', "is not valid JSON"),
    ('[1, 2]', "a config must be a JSON object of keys, got list"),
    ('{"epoch": 3}', "config key 'epoch' is not a known key; did you mean 'epochs'?"),
    ('{"model": {"size": [5, 8, 1]}}', "config key 'model.size' is not a known key; did you mean 'model.sizes'?"),
    ('{"epochs": 2.5}', "config key 'epochs' must be a positive integer, got 2.5"),
    ('{"epochs": true}', "config key 'epochs' must be a positive integer, got true"),
    ('{"batch_size": "64"}', "config key 'batch_size' must be a positive integer, got \"64\""),
    ('{"optimizer": {"name": "sgd", "lr": -0.1}}', "config key 'optimizer.lr' must be a positive number, got -0.1"),
    ('{"optimizer": {"name": "adam", "lr": 0}}', "config key 'optimizer.lr' must be a positive number, got 0"),
    ('{"optimizer": {"name": "sgd", "lr": NaN}}', "config key 'optimizer.lr' must be a positive number, got NaN"),
    ('{"optimizer": {"name": "sgd"}}', "config key 'optimizer.lr' is missing; optimizer 'sgd' needs it"),
    ('{"optimizer": {"name": "sgd", "lr": 0.1, "beta": 0.9}}',
     "config key 'optimizer.beta' is not a setting of optimizer 'sgd'; its settings are: lr"),
    ('{"optimizer": {"name": "rmsprop", "lr": 0.1}}',
     "config key 'optimizer.name' must be one of 'sgd', 'momentum', 'adam', got \"rmsprop\""),
    ('{"optimizer": {"name": "momentum", "lr": 0.1, "beta": 1.0}}',
     "config key 'optimizer.beta' must be a number in [0, 1), got 1.0"),
    ('{"model": {"activations": ["gelu", "identity"]}}',
     "config key 'model.activations[0]' must be one of 'identity', 'relu', 'leaky_relu', 'sigmoid', 'tanh', "
     "got \"gelu\""),
    ('{"model": {"sizes": [5, 8, 8, 1]}}', "config key 'model.activations' must be a list of 3 names"),
    ('{"model": {"sizes": [6, 8, 1]}}', "config key 'model.sizes[0]' must be the number of data.features (5), got 6"),
    ('{"model": {"sizes": [5, 8, 2]}}', "config key 'model.sizes[2]' must be 1 (one output: the target), got 2"),
    ('{"schedule": {"name": "cosine", "minimum": 1.0}}',
     "config key 'schedule.minimum' must be smaller than optimizer.lr, got 1.0"),
    ('{"schedule": {"name": "step", "every": 0}}', "config key 'schedule.every' must be a positive integer, got 0"),
    ('{"data": {"split": [0.5, 0.1, 0.1]}}', "config key 'data.split' must be fractions that sum to 1"),
    ('{"data": {"features": ["hr", "temp", "hum", "windspeed", "rain"]}}',
     "config key 'data.features[4]' must be one of 'season'"),
    ('{"data": {"target": "count"}}', "config key 'data.target' must be one of 'cnt', 'casual', 'registered'"),
    ('{"weight_decay": -1e-4}', "config key 'weight_decay' must be a number >= 0, got -0.0001"),
    ('{"keep": "best"}', "config key 'keep' must be one of 'best_validation', 'last', got \"best\""),
    ('{"model": {"sizes": [6, 8, 1]}, "data": {"features": ["hr", "rain"]}}',
     "config key 'data.features[1]' must be one of"),  # the cause (an unknown feature) before the size it implies
    ('{"data": {"csv": "h.csv", "target": "price", "task": "regression", "target_scale": 10}}',
     "config key 'data.target_scale' is not a known key"),
    ('{"data": {"target": "price", "task": "regression"}}',
     "config key 'data.csv' is missing; data.task 'regression' needs it"),
    ('{"data": {"csv": "h.csv", "target": "y", "task": "regresion"}}',
     "config key 'data.task' must be one of 'regression', 'classification', got \"regresion\""),
    ('{"data": {"csv": "h.csv", "target": "y", "task": "regression", "features": ["a", "y"]}}',
     "config key 'data.features[1]' must be a column not listed before and not the target, got \"y\""),
    ('{"data": {"csv": "h.csv", "target": "y", "task": "classification"}, "loss": "mse"}',
     "config key 'loss' must be one of 'cross_entropy', got \"mse\""),
    ('{"model": {"layers": [{"type": "dense", "units": 4}, {"type": "gelu"}]}}',
     "config key 'model.layers[1].type' must be one of 'dense', 'neuron', 'identity'"),
    ('{"model": {"layers": [{"type": "dense"}, {"type": "relu"}, {"type": "dense"}]}}',
     "config key 'model.layers[0].units' is missing; only the last dense layer may leave it out"),
    ('{"model": {"layers": [{"type": "dense", "units": 0}]}}',
     "config key 'model.layers[0].units' must be a positive integer, got 0"),
    ('{"model": {"layers": [{"type": "leaky_relu", "slope": 0.1}]}}',
     "config key 'model.layers[0].slope' is not a setting of a leaky_relu layer; its settings are: alpha"),
    ('{"model": {"layers": [{"type": "dense", "units": 1}], "sizes": [5, 1]}}',
     "config key 'model' must be either \"layers\" or \"sizes\" with \"activations\", not both"),
    ('{"data": {"csv": "h.csv", "target": "y", "task": "classification"}, "model": {"layers": [{"type": "dense"}, '
     '{"type": "softmax"}]}}', "config key 'model.layers[1].type' must be a layer other than softmax"),
    # the two kinds of examples that are not rows: images take no layer on sequences, windows no image layer
    ('{"data": {"images": "digits"}, "bptt": 4}',
     "config key 'bptt' must be null: truncated backpropagation through time needs sequences (data.window), got 4"),
    ('{"data": {"images": "digits"}, "model": {"layers": [{"type": "lstm", "units": 4}, {"type": "last_step"}, '
     '{"type": "dense"}]}}', "config key 'model.layers[0].type' must be a layer on rows: a recurrent layer and "
                            "last_step read sequences"),
    ('{"data": {"window": 24}, "model": {"layers": [{"type": "lstm", "units": 4}, {"type": "last_step"}, '
     '{"type": "flatten"}, {"type": "dense"}]}}', "config key 'model.layers[2].type' must be a layer that takes "
                                                 "rows: the data are rows, not images (data.images), got \"flatten\""),
]


def train(tmp_path, text):
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "reference", "train", "--config", str(path),
                           "--out", str(tmp_path / "run")], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("text, words", BAD, ids=[w.split(",")[0][:40] for _, w in BAD])
def test_each_broken_rule_is_one_line_exit_2_and_nothing_runs(tmp_path, text, words):
    result = train(tmp_path, text)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr, result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "run").exists()


def test_a_missing_config_file_is_named(tmp_path):
    result = subprocess.run([sys.executable, "-m", "reference", "train", "--config", str(tmp_path / "nope.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "cannot be read" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_config_is_the_default():
    assert resolve({}) == DEFAULT


def test_keys_left_out_take_their_defaults_and_optimizer_settings_their_class_defaults():
    config = resolve({"model": {"sizes": [5, 16, 1]}, "optimizer": {"name": "adam", "lr": 0.01}})
    assert config["model"] == {"sizes": [5, 16, 1], "activations": ["relu", "identity"], "init": "he_normal"}
    assert config["optimizer"] == {"name": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert config["data"] == DEFAULT["data"]


def test_a_schedule_takes_its_own_settings():
    assert resolve({"schedule": {"name": "step", "every": 4}})["schedule"] == {"name": "step", "every": 4,
                                                                             "factor": 0.5}
    with pytest.raises(ConfigError, match="'schedule.gamma' is not a setting of schedule 'step'"):
        resolve({"schedule": {"name": "step", "gamma": 0.5}})


def test_a_three_key_config_takes_the_defaults_of_ones_own_data_and_a_path_relative_to_the_config(tmp_path):
    path = tmp_path / "my.json"
    path.write_text('\ufeff{"data": {"csv": "houses.csv", "target": "price", "task": "classification"}}',
                    encoding="utf-8")
    config = load(path)
    assert config["data"]["csv"] == str(tmp_path / "houses.csv")
    assert config["data"]["features"] is None and config["data"]["order"] == "shuffle"
    assert config["loss"] == "cross_entropy" and config["optimizer"] == {"name": "adam", "lr": 0.01, "beta1": 0.9,
                                                                          "beta2": 0.999, "eps": 1e-8}
    assert config["model"]["layers"][-1] == {"type": "dense"}


def test_the_sizes_form_still_works_with_ones_own_data():
    config = resolve({"data": {"csv": "h.csv", "target": "y", "task": "regression"},
                      "model": {"sizes": [3, 4, 1]}})
    assert config["model"] == {"sizes": [3, 4, 1], "activations": ["relu", "identity"], "init": "he_normal"}


def test_the_resolved_default_survives_a_round_trip_through_json():
    assert resolve(json.loads(json.dumps(DEFAULT))) == DEFAULT


def test_the_shipped_configs_resolve_and_pyproject_ships_them_with_the_package():
    names = sorted(os.listdir(os.path.join(ROOT, SHIPPED)))
    assert names == ["bike_lstm.json", "digits.json"]
    for name in names:
        load(os.path.join(ROOT, SHIPPED, name))
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        package_data = re.search(r"\[tool\.setuptools\.package-data\]\nreference = \[(.*)\]", f.read()).group(1)
    assert '"trainer/configs/*.json"' in package_data, package_data
    assert not os.path.exists(os.path.join(ROOT, "configs")), "configs live in reference/trainer/configs/"


def test_every_config_path_in_the_readme_runs_from_the_repository_root():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        paths = set(re.findall(r"--config (\S+\.json)", f.read()))
    shipped = {f"{SHIPPED}/{name}".replace(os.sep, "/") for name in os.listdir(os.path.join(ROOT, SHIPPED))}
    assert shipped <= paths, f"the README never runs {sorted(shipped - paths)}"
    for path in (p for p in paths if "/" in p):  # a bare name is a file of the user's own, such as my.json
        assert os.path.isfile(os.path.join(ROOT, path)), f"README: --config {path} is not a file"
