"""A training run from a resolved config: the epoch loop and the files of the run (specs/training.md).

The run folder holds config.json, history.json, model.json (the kept model),
checkpoint.json (everything needed to continue), loss.svg and weights.svg,
rewritten atomically after each epoch, and at the end metrics.json,
report.html and, for classification, confusion.svg.
"""
import json
import math
import os
import random
import sys
import time

from reference.adam import Adam
from reference.minibatches import minibatches
from reference.momentum import Momentum
from reference.parameters import copy, entries
from reference.schedules import constant, cosine, exponential, step_decay
from reference.sgd import SGD
from reference.trainer import plots, sanity
from reference.trainer.architecture import build_layers, output_width
from reference.trainer.bptt import truncate
from reference.trainer.checkpoint import (model_record, read_state, remove_leftovers, set_params, state_record,
                                          write_json, write_text)
from reference.trainer.config_rules import fail
from reference.trainer.results import finish
from reference.trainer.task import (LOSS_NAMES, baseline_loss, data_loss, inspected, layer_list, loss_for,
                                    network_input, outputs)
from reference.weight_decay import WeightDecay

OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
SCHEDULES = {"constant": constant, "step": step_decay, "exponential": exponential, "cosine": cosine}
BLOW_UP = 1e6  # a loss this many times the loss before training counts as diverged, like NaN or infinity


class TrainingError(RuntimeError):
    """A run that cannot go on (divergence, a checkpoint that does not fit); the message is one line."""


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


class Run:
    """The state of a training run; a checkpoint holds all of it, so a resumed run continues bit for bit."""

    def __init__(self, config, folder, encoding, baseline):
        self.config, self.folder, self.encoding, self.baseline = config, folder, encoding, baseline
        n_in = network_input(encoding)
        self.loss = loss_for(encoding["target"])
        self.model, self.layers = build_layers(layer_list(config, n_in, encoding["target"]), n_in,
                                               outputs(encoding["target"]), config["model"]["init"], config["seed"])
        if output_width(self.layers, n_in) != outputs(encoding["target"]):
            fail("model.layers", f"a list whose last layer gives {outputs(encoding['target'])} outputs, as the task "
                                 "needs (leave out the last dense layer's units)", config["model"]["layers"])
        if config["bptt"]:
            truncate(self.model, config["bptt"])
        self.initial = {name: copy(p) for name, p in self.model.params.items()}
        self.optimizer = make_optimizer(config["optimizer"])
        self.decay = WeightDecay(config["weight_decay"])
        self.rng = random.Random(f"minibatches {config['seed']}")
        self.history, self.epoch = [], 0
        self.best = {"epoch": 0, "validation_loss": math.inf, "params": {}}

    def path(self, name):
        return os.path.join(self.folder, name)

    def train_epoch(self, x, y):
        """One pass over (x, y) in shuffled mini-batches; TrainingError if the loss stops being finite."""
        loss = self.loss()
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
        entry = {"epoch": self.epoch, "train_loss": data_loss(self.model, data["train"], self.loss),
                 "validation_loss": data_loss(self.model, data["validation"], self.loss), "lr": lr}
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
            write_json(self.path("model.json"), model_record(self.layers, self.encoding, self.best["params"],
                                                             self.epoch, entry["validation_loss"]))
            write_text(self.path("weights.svg"), plots.weights_svg(self.best["params"], self.initial))
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
        write_text(self.path("loss.svg"), plots.loss_svg(self.history, self.best["epoch"], self.baseline,
                                                         LOSS_NAMES[self.loss]))




def start(run, data):
    """A new run in its folder: the untrained model is epoch 0, recorded and saved before any step."""
    os.makedirs(run.folder, exist_ok=True)
    write_json(run.path("config.json"), run.config)
    run.record(data, None)
    run.save()


def restore(run, warn):
    """Load the run saved in run.folder/checkpoint.json into run, to continue under run.config (maybe more epochs)."""
    config, folder = run.config, run.folder
    saved = read_state(run.path("checkpoint.json"))
    for key in ("model", "data", "seed", "batch_size", "optimizer.name"):
        was, now = lookup(saved["config"], key), lookup(config, key)
        if was != now:
            raise TrainingError(f"cannot resume {folder}: it was trained with {key} = {json.dumps(was)}, the config "
                                f"asks for {json.dumps(now)}; resume with the run's own config.json")
    if config["schedule"]["name"] == "cosine" and saved["config"]["epochs"] != config["epochs"]:
        warn(f"schedule: the cosine schedule was planned for {saved['config']['epochs']} epochs and is stretched to "
             f"{config['epochs']}: the learning rate of epoch {saved['epoch'] + 1} becomes "
             f"{learning_rate(config, saved['epoch']):.4g}, not {learning_rate(saved['config'], saved['epoch']):.4g}")
    remove_leftovers(folder)
    set_params(run.model, saved["params"], f"checkpoint in {folder}")
    vars(run.optimizer).update(saved["optimizer"])
    run.rng.setstate(saved["rng"])
    run.history, run.epoch, run.best = saved["history"], saved["epoch"], saved["best"]
    write_json(run.path("config.json"), config)


def lookup(config, key):
    """config["a"]["b"] for the dotted key "a.b"."""
    for part in key.split("."):
        config = config[part]
    return config


def train(config, folder, resuming=False, log=print, warn=None):
    """Run (or continue) the training the config describes, writing into folder.

    Returns the course's test summary for the bike data, the scores of metrics.json for a CSV of one's own.
    """
    warn = warn or (lambda message: print(message, file=sys.stderr, flush=True))
    data, encoding = inspected(config, log, warn)
    run = Run(config, folder, encoding, baseline_loss(data, loss_for(encoding["target"])))
    if resuming:
        restore(run, warn)
    log(f"run folder: {folder}")
    if not resuming:
        start(run, data)
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
    return finish(run, kept_model(run), data, log)


def progress(entry, epochs, best_epoch, seconds):
    width = len(str(epochs))
    mark = "  *best" if best_epoch == entry["epoch"] else ""
    return (f"epoch {entry['epoch']:>{width}}/{epochs}  train {entry['train_loss']:.5g}  "
            f"validation {entry['validation_loss']:.5g}  lr {entry['lr']:.4g}  {seconds:.1f}s{mark}")


def kept_model(run):
    """The network of the kept epoch."""
    model = build_layers(run.layers, network_input(run.encoding), None)[0]
    set_params(model, run.best["params"], "the kept model")
    return model


