"""What the data of a config asks of the network: its blocks, the loss, the width M and the baseline (specs/task.md).

Regression is scored with MSE, two classes with BinaryCrossEntropy after a sigmoid output, more classes with
SoftmaxCrossEntropy on M = (number of classes) outputs.
"""
import math

from reference.binary_cross_entropy import BinaryCrossEntropy
from reference.mse import MSE
from reference.sequential import evaluate
from reference.softmax_cross_entropy import SoftmaxCrossEntropy
from reference.trainer import bike_sequences, digits, sanity, tabular
from reference.trainer.architecture import layers_from_sizes
from reference.trainer.bike_sharing import HOUR_CSV, encoding, load
from reference.trainer.config_rules import fail

PARTS = ("train", "validation", "test")
LOSS_NAMES = {MSE: "MSE", BinaryCrossEntropy: "binary cross-entropy", SoftmaxCrossEntropy: "cross-entropy"}


def prepare_data(config):
    """A config -> (parts {"train": (x, y), "validation": ..., "test": ...}, encoding, input names (None for images)).

    The encoding (specs/tabular.md) is how model.json turns CSV rows into x and outputs into predictions.
    """
    data = config["data"]
    if data.get("images"):
        return (*digits.prepare(data, config["seed"]), None)
    if data["task"]:
        return tabular.prepare(data, config["seed"])
    if data.get("window"):
        blocks, encoded, names = bike_sequences.prepare(data)
        return dict(zip(PARTS, blocks)), encoded, names
    x, y = load(data["csv"] or HOUR_CSV, data["features"], data["target"], data["target_scale"])
    x, y = x[::data["every"]], y[::data["every"]]
    indices = tabular.split_indices([None] * len(x), data["split"], data["order"], config["seed"])
    parts = {part: ([x[i] for i in chosen], [y[i] for i in chosen]) for part, chosen in zip(PARTS, indices)}
    return parts, encoding(data["features"], data["target"], data["target_scale"], parts["train"][0]), \
        list(data["features"])


def network_input(encoding):
    """What one example is to the network: D inputs of a table, or the shape (C, H, W) of an image."""
    if "images" in encoding:
        return tuple(encoding["images"]["shape"])
    return tabular.width(encoding["columns"])


def loss_for(target):
    """MSE for regression, BinaryCrossEntropy for two classes, SoftmaxCrossEntropy for more."""
    if "classes" not in target:
        return MSE
    return BinaryCrossEntropy if len(target["classes"]) == 2 else SoftmaxCrossEntropy


def layer_list(config, n_in, target):
    """The config's layers, sizes checked against the data, with a sigmoid after the last for two classes."""
    model, n_out = config["model"], outputs(target)
    if "layers" in model:
        layers = list(model["layers"])
    else:
        sizes = model["sizes"]
        if sizes[0] != n_in:
            fail("model.sizes[0]", f"{n_in}, the number of inputs the data gives", sizes[0])
        if sizes[-1] != n_out:
            fail(f"model.sizes[{len(sizes) - 1}]", f"{n_out}, the number of outputs the task needs", sizes[-1])
        layers = layers_from_sizes(sizes, model["activations"])
    if "classes" in target and n_out == 1 and layers[-1]["type"] != "sigmoid":
        layers.append({"type": "sigmoid"})
    return layers


def outputs(target):
    """M: one output for regression and for two classes, one per class for more."""
    classes = target.get("classes", [])
    return len(classes) if len(classes) > 2 else 1


def data_loss(model, part, loss):
    """The loss (an MSE, BinaryCrossEntropy or SoftmaxCrossEntropy class) of model on part = (x, y), in evaluation
    mode."""
    x, y = part
    return loss().forward(evaluate(model, x), y)


def baseline_loss(data, loss):
    """The validation loss of predicting without features: the mean target, or the class frequencies."""
    seen = data["train"][1] + data["validation"][1]
    y = data["validation"][1]
    if loss is SoftmaxCrossEntropy:
        classes = max(seen) + 1
        logits = [math.log(max(seen.count(k) / len(seen), 1e-12)) for k in range(classes)]
        return loss().forward([logits] * len(y), y)
    mean = math.fsum(row[0] for row in seen) / len(seen)
    return loss().forward([[mean]] * len(y), y)


def inspected(config, log, warn):
    """The data of the config, its summary logged and its constant features warned about: (parts, encoding)."""
    data, encoding, names = prepare_data(config)
    if config["data"].get("images"):
        log(digits.describe(data))
        return data, encoding
    rows = data["train"][0]
    if config["data"].get("window"):
        log(bike_sequences.describe(data, names, config["data"]["every"]))
        rows = [hour for window in rows for hour in window]  # an input is constant if it is so in every hour
    elif config["data"]["task"]:
        log(tabular.describe(data, encoding, config["data"]["order"]))
    else:
        log(sanity.inspect(data, config["data"]["features"], config["data"]["target"], config["data"]["order"]))
    for name in sanity.constant_features(rows, names):
        warn(f"data: feature '{name}' has one value on every training row; it carries no information")
    return data, encoding
