"""A training run from a resolved config: the epoch loop and the files of the run (specs/training.md).

The run folder holds config.json, history.json, model.json (the kept model),
checkpoint.json (everything needed to continue), loss.svg and weights.svg;
every file is rewritten atomically after each epoch.
"""
import json
import math
import os
import random
import sys
import time

from reference import plots, sanity
from reference.adam import Adam
from reference.architecture import build
from reference.bike_sharing import HOUR_CSV, chronological_split, load
from reference.checkpoint import (model_record, read_json, read_state, remove_leftovers, set_params, state_record,
                                  write_json, write_text)
from reference.minibatches import minibatches
from reference.momentum import Momentum
from reference.mse import MSE
from reference.parameters import copy, entries
from reference.schedules import constant, cosine, exponential, step_decay
from reference.sgd import SGD
from reference.weight_decay import WeightDecay

OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
SCHEDULES = {"constant": constant, "step": step_decay, "exponential": exponential, "cosine": cosine}
PARTS = ("train", "validation", "test")
BLOW_UP = 1e6  # a loss this many times the loss before training counts as diverged, like NaN or infinity


class TrainingError(RuntimeError):
    """A run that cannot go on (divergence, a checkpoint that does not fit); the message is one line."""


def prepare_data(data):
    """The data section of a config -> {"train": (x, y), "validation": ..., "test": ...}, blocks in time order."""
    x, y = load(data["csv"] or HOUR_CSV, data["features"], data["target"], data["target_scale"])
    x, y = x[::data["every"]], y[::data["every"]]
    return dict(zip(PARTS, chronological_split(x, y, data["split"])))


def learning_rate(config, epoch):
    """The learning rate of epoch t = epoch (counting from 0) under the config's schedule."""
    settings = {k: v for k, v in config["schedule"].items() if k != "name"}
    if config["schedule"]["name"] == "cosine":
        settings["epochs"] = config["epochs"]
    return SCHEDULES[config["schedule"]["name"]](config["optimizer"]["lr"], epoch, **settings)


def make_optimizer(settings):
    """The optimizer section of a config -> an optimizer, lr first, then its own settings."""
    own = {key: value for key, value in settings.items() if key not in ("name", "lr")}
    return OPTIMIZERS[settings["name"]](settings["lr"], **own)


def mse(model, part):
    """The mean squared error of model on (x, y)."""
    x, y = part
    return MSE().forward(model.forward(x), y)


class Run:
    """The state of a training run; a checkpoint holds all of it, so a resumed run continues bit for bit."""

    def __init__(self, config, folder):
        self.config, self.folder = config, folder
        self.model = build(config["model"]["sizes"], config["model"]["activations"], config["model"]["init"],
                           config["seed"])
        self.optimizer = make_optimizer(config["optimizer"])
        self.decay = WeightDecay(config["weight_decay"])
        self.rng = random.Random(f"minibatches {config['seed']}")
        self.history, self.epoch = [], 0
        self.best = {"epoch": 0, "validation_loss": math.inf, "params": {}}

    def path(self, name):
        return os.path.join(self.folder, name)

    def train_epoch(self, x, y):
        """One pass over (x, y) in shuffled mini-batches; TrainingError if the loss stops being finite."""
        loss = MSE()
        for batch in minibatches(len(x), self.config["batch_size"], self.rng):
            value = loss.forward(self.model.forward([x[i] for i in batch]), [y[i] for i in batch])
            if self.blown_up(value):
                raise self.diverged(self.epoch + 1, f"the loss became {value:.4g}")
            self.model.backward(loss.backward())
            grads = self.decay.add(self.model.grads, self.model.params) if self.decay.strength else self.model.grads
            self.optimizer.step(self.model.params, grads)

    def blown_up(self, value):
        """True for a NaN or infinite loss, or one BLOW_UP times the training loss before training."""
        return not math.isfinite(value) or (bool(self.history) and value > BLOW_UP * self.history[0]["train_loss"])

    def diverged(self, epoch, what):
        lr = self.optimizer.lr
        return TrainingError(
            f"training diverged in epoch {epoch} ({what}): the learning rate {lr:g} is too large "
            f"for this model; try a smaller optimizer.lr, e.g. {lr / 10:g}. The last good model (epoch "
            f"{self.best['epoch']}) is kept in {self.path('model.json')}")

    def record(self, data, lr):
        """Evaluate on the train and validation blocks, append to the history, keep the model if it is best."""
        entry = {"epoch": self.epoch, "train_loss": mse(self.model, data["train"]),
                 "validation_loss": mse(self.model, data["validation"]), "lr": lr}
        for value in (entry["train_loss"], entry["validation_loss"]):
            if self.blown_up(value):
                raise self.diverged(self.epoch, f"the loss became {value:.4g}")
        for name, p in self.model.params.items():
            if not all(math.isfinite(v) for v in entries(p)):
                raise self.diverged(self.epoch, f"params['{name}'] is no longer finite")
        self.history.append(entry)
        better = entry["validation_loss"] < self.best["validation_loss"]
        if better or self.config["keep"] == "last":
            self.best = {"epoch": self.epoch, "validation_loss": entry["validation_loss"],
                         "params": {name: copy(p) for name, p in self.model.params.items()}}
            write_json(self.path("model.json"), model_record(self.config, self.best["params"], self.epoch,
                                                             entry["validation_loss"]))
            write_text(self.path("weights.svg"), plots.weights_svg(self.best["params"]))
        return entry

    def stop(self, reason):
        """Leave checkpoint.json and model.json at the last good epoch; say in history.json why the run stopped."""
        write_json(self.path("history.json"), {"epochs": self.history, "best_epoch": self.best["epoch"],
                                               "stopped": reason})

    def save(self):
        """Write checkpoint.json, history.json and loss.svg (model.json is written by record)."""
        write_json(self.path("checkpoint.json"), state_record(self.config, self.epoch, self.model.params,
                                                              self.optimizer, self.rng, self.history, self.best))
        write_json(self.path("history.json"), {"epochs": self.history, "best_epoch": self.best["epoch"],
                                               "stopped": None})
        write_text(self.path("loss.svg"), plots.loss_svg(self.history, self.best["epoch"]))


def start(config, folder, data):
    """A new run in folder: the untrained model is epoch 0, recorded and saved before any step."""
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), config)
    run = Run(config, folder)
    run.record(data, None)
    run.save()
    return run


def resume(config, folder):
    """The run saved in folder/checkpoint.json, continued under config (same model and data, maybe more epochs)."""
    saved = read_state(os.path.join(folder, "checkpoint.json"))
    remove_leftovers(folder)
    for key in ("model", "data", "seed", "batch_size", "optimizer.name"):
        was, now = lookup(saved["config"], key), lookup(config, key)
        if was != now:
            raise TrainingError(f"cannot resume {folder}: it was trained with {key} = {json.dumps(was)}, the config "
                                f"asks for {json.dumps(now)}; resume with the run's own config.json")
    run = Run(config, folder)
    set_params(run.model, saved["params"], config["model"]["sizes"], f"checkpoint in {folder}")
    vars(run.optimizer).update(saved["optimizer"])
    run.rng.setstate(saved["rng"])
    run.history, run.epoch, run.best = saved["history"], saved["epoch"], saved["best"]
    write_json(os.path.join(folder, "config.json"), config)
    return run


def lookup(config, key):
    """config["a"]["b"] for the dotted key "a.b"."""
    for part in key.split("."):
        config = config[part]
    return config


def train(config, folder, resuming=False, log=print, warn=None):
    """Run (or continue) the training the config describes, writing into folder; returns the test summary."""
    warn = warn or (lambda message: print(message, file=sys.stderr, flush=True))
    data = prepare_data(config["data"])
    log(sanity.inspect(data, config["data"]["features"], config["data"]["target"]))
    for name in sanity.constant_features(data["train"][0], config["data"]["features"]):
        warn(f"data: feature '{name}' has one value on every training row; it carries no information")
    run = resume(config, folder) if resuming else start(config, folder, data)
    check_at = min(sanity.FIRST_EPOCHS, config["epochs"])
    while run.epoch < config["epochs"]:
        began, lr = time.perf_counter(), learning_rate(config, run.epoch)
        run.optimizer.lr = lr
        try:
            run.train_epoch(*data["train"])
            run.epoch += 1
            entry = run.record(data, lr)
        except TrainingError as e:
            run.stop(str(e))
            raise
        run.save()
        log(progress(entry, config["epochs"], run.best["epoch"], time.perf_counter() - began))
        if run.epoch == check_at and sanity.loss_fell(run.history, check_at):
            warn(sanity.loss_fell(run.history, check_at))
    return finish(run, data, log)


def progress(entry, epochs, best_epoch, seconds):
    width = len(str(epochs))
    mark = "  *best" if best_epoch == entry["epoch"] else ""
    return (f"epoch {entry['epoch']:>{width}}/{epochs}  train {entry['train_loss']:.5g}  "
            f"validation {entry['validation_loss']:.5g}  lr {entry['lr']:.4g}  {seconds:.1f}s{mark}")


def finish(run, data, log):
    """Score the kept model on the test block against the mean of everything before it; write it to history."""
    model = build(run.config["model"]["sizes"], run.config["model"]["activations"])
    set_params(model, run.best["params"], run.config["model"]["sizes"], "the kept model")
    earlier = data["train"][1] + data["validation"][1]
    mean = math.fsum(row[0] for row in earlier) / len(earlier)
    test_y = data["test"][1]
    summary = {"epoch": run.best["epoch"], "mse": mse(model, data["test"]),
               "baseline_mse": math.fsum((mean - row[0]) ** 2 for row in test_y) / len(test_y)}
    summary["ratio"] = summary["mse"] / summary["baseline_mse"]
    history = read_json(run.path("history.json"), "history")
    write_json(run.path("history.json"), {**history, "test": summary})
    scale, target = run.config["data"]["target_scale"], run.config["data"]["target"]
    log(f"kept model: epoch {run.best['epoch']} ({run.config['keep'].replace('_', ' ')}), in {run.path('model.json')}")
    for label, key in (("test MSE", "mse"), ("mean baseline MSE", "baseline_mse")):
        value = summary[key]
        log(f"{label:>17} {value:.5f} ({target}/{scale:g})^2 = {value * scale * scale:.0f} bikes^2, "
            f"RMSE {math.sqrt(value) * scale:.1f} bikes")
    log(f"model / baseline MSE: {summary['ratio']:.3f} on {len(test_y)} test rows")
    return summary
