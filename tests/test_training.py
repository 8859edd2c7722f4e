"""Training runs: reproducible bit for bit, resumable, stopped on divergence with the last good model kept,
with the course's sanity checks, and pictures a browser can show. Every run here is tiny: every 20th row
of the data, a few epochs, small hidden layers."""
import json
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest

import reference
from reference.trainer import plots, sanity, training
from reference.trainer.checkpoint import load_model
from reference.trainer.config import resolve
from reference.minibatches import minibatches

TINY = {"epochs": 3, "model": {"sizes": [5, 4, 1]}, "data": {"every": 20}, "optimizer": {"name": "sgd", "lr": 0.3}}
SVG = "{http://www.w3.org/2000/svg}"


def tiny(**changes):
    return resolve({**TINY, **changes})


def quiet_train(config, folder, resuming=False):
    lines, warnings = [], []
    summary = training.train(config, str(folder), resuming, log=lines.append, warn=warnings.append)
    return summary, lines, warnings


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_the_same_config_and_seed_give_the_same_history_and_model_bit_for_bit(tmp_path):
    quiet_train(tiny(), tmp_path / "a")
    quiet_train(tiny(), tmp_path / "b")
    for name in ("history.json", "model.json", "checkpoint.json", "loss.svg", "weights.svg"):
        assert read(tmp_path / "a" / name) == read(tmp_path / "b" / name), name


def test_another_seed_gives_another_history(tmp_path):
    quiet_train(tiny(), tmp_path / "a")
    quiet_train(tiny(seed=1), tmp_path / "b")
    assert read(tmp_path / "a" / "history.json") != read(tmp_path / "b" / "history.json")


def test_a_run_writes_its_folder_and_reports_against_the_mean(tmp_path):
    summary, lines, _ = quiet_train(tiny(), tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"config.json", "history.json", "model.json", "checkpoint.json",
                                                   "loss.svg", "weights.svg", "metrics.json", "report.html"}
    assert json.loads(read(tmp_path / "config.json")) == tiny()
    history = json.loads(read(tmp_path / "history.json"))
    assert [e["epoch"] for e in history["epochs"]] == [0, 1, 2, 3]
    assert history["test"] == summary and history["stopped"] is None
    assert lines[0].startswith("data: train 608, validation 87, test 174 rows")
    assert lines[1] == f"run folder: {tmp_path}"
    assert [line.split()[1] for line in lines[2:5]] == ["1/3", "2/3", "3/3"]
    assert all("train " in line and "validation " in line and "lr 0.3" in line for line in lines[2:5])
    assert "bikes" in lines[-2] and "RMSE" in lines[-2] and lines[-1].startswith("model / baseline MSE:")
    scores = json.loads(read(tmp_path / "metrics.json"))  # the same figures, in bikes
    assert math.isclose(scores["test"]["model"]["mse"], summary["mse"] * 1000 ** 2)
    assert math.isclose(scores["test"]["baseline"]["mse"], summary["baseline_mse"] * 1000 ** 2)


def test_the_kept_model_is_the_best_on_validation_or_the_last(tmp_path):
    quiet_train(tiny(epochs=4), tmp_path / "best")
    history = json.loads(read(tmp_path / "best" / "history.json"))
    best = min(history["epochs"], key=lambda e: e["validation_loss"])
    _, record = load_model(tmp_path / "best" / "model.json")
    assert record["epoch"] == best["epoch"] == history["best_epoch"]
    assert record["validation_loss"] == best["validation_loss"]
    quiet_train(tiny(epochs=4, keep="last"), tmp_path / "last")
    assert load_model(tmp_path / "last" / "model.json")[1]["epoch"] == 4


def test_the_learning_rate_follows_the_schedule(tmp_path):
    quiet_train(tiny(epochs=4, schedule={"name": "step", "every": 2, "factor": 0.5}), tmp_path)
    history = json.loads(read(tmp_path / "history.json"))
    assert [e["lr"] for e in history["epochs"]] == [None, 0.3, 0.3, 0.15, 0.15]


def test_weight_decay_keeps_the_weights_smaller(tmp_path):
    def squares(folder):
        params = json.loads(read(folder / "checkpoint.json"))["params"]
        return sum(w * w for name in ("0.W", "2.W") for row in params[name] for w in row)

    quiet_train(tiny(), tmp_path / "free")
    quiet_train(tiny(weight_decay=0.05), tmp_path / "decayed")
    assert squares(tmp_path / "decayed") < squares(tmp_path / "free")


def test_resuming_with_more_epochs_continues_bit_for_bit(tmp_path):
    quiet_train(tiny(epochs=2), tmp_path / "resumed")
    (tmp_path / "resumed" / ".model.json.k2j4.tmp").write_text('{"params": {"0.W": [[0.1', encoding="utf-8")
    quiet_train(tiny(epochs=4), tmp_path / "resumed", resuming=True)
    assert not (tmp_path / "resumed" / ".model.json.k2j4.tmp").exists()  # left by a crash mid-write
    quiet_train(tiny(epochs=4), tmp_path / "straight")
    for name in ("history.json", "model.json", "checkpoint.json"):
        assert read(tmp_path / "resumed" / name) == read(tmp_path / "straight" / name), name


def test_resuming_a_cosine_schedule_with_more_epochs_warns_that_it_is_stretched(tmp_path):
    cosine = {"name": "cosine", "minimum": 0.0}
    quiet_train(tiny(epochs=2, schedule=cosine), tmp_path)
    _, _, warnings = quiet_train(tiny(epochs=4, schedule=cosine), tmp_path, resuming=True)
    assert warnings == ["schedule: the cosine schedule was planned for 2 epochs and is stretched to 4: the learning "
                        "rate of epoch 3 becomes 0.15, not 0"]


def test_resuming_under_another_architecture_is_refused(tmp_path):
    quiet_train(tiny(epochs=1), tmp_path)
    other = tiny(model={"sizes": [5, 6, 1]})
    with pytest.raises(training.TrainingError, match=r"it was trained with model = .*\[5, 4, 1\].*asks for"):
        quiet_train(other, tmp_path, resuming=True)


# Divergence -------------------------------------------------------------------------------------------------

def test_divergence_stops_the_run_keeps_the_last_good_model_and_suggests_a_smaller_lr(tmp_path):
    config = tiny(epochs=5, optimizer={"name": "sgd", "lr": 40.0})
    with pytest.raises(training.TrainingError) as stopped:
        quiet_train(config, tmp_path)
    message = str(stopped.value)
    assert "training diverged in epoch 1" in message and "try a smaller optimizer.lr, e.g. 4" in message
    assert "\n" not in message
    model, record = load_model(tmp_path / "model.json")
    assert record["epoch"] == 0
    assert all(math.isfinite(w) for p in model.params.values() for row in p for w in (row if isinstance(row, list)
                                                                                      else [row]))
    history = json.loads(read(tmp_path / "history.json"))
    assert history["stopped"] == message and len(history["epochs"]) == 1
    assert json.loads(read(tmp_path / "checkpoint.json"))["epoch"] == 0


@pytest.mark.parametrize("name, words", [("2.b", "the loss became nan"),
                                         ("0.b", "params['0.b'] is no longer finite")])  # ReLU hides this NaN
def test_a_nan_counts_as_divergence(tmp_path, monkeypatch, name, words):
    class PoisonsWeights(reference.SGD):
        def step(self, params, grads):
            params[name][0] = math.nan

    monkeypatch.setitem(training.OPTIMIZERS, "sgd", PoisonsWeights)
    with pytest.raises(training.TrainingError, match=re.escape(words)):
        quiet_train(tiny(), tmp_path)
    assert json.loads(read(tmp_path / "checkpoint.json"))["epoch"] == 0


# The course's sanity checks ---------------------------------------------------------------------------------

def test_a_loss_that_does_not_fall_gets_a_warning_that_says_what_to_look_at(tmp_path, monkeypatch):
    class Ascent(reference.SGD):
        def step(self, params, grads):
            super().step(params, {name: _negated(g) for name, g in grads.items()})

    monkeypatch.setitem(training.OPTIMIZERS, "sgd", Ascent)
    _, _, warnings = quiet_train(tiny(optimizer={"name": "sgd", "lr": 0.0005}), tmp_path)
    assert len(warnings) == 1
    assert warnings[0].startswith("sanity check failed: the training loss did not fall in the first 3 epochs")
    assert "look at the learning rate" in warnings[0] and "sign of the update" in warnings[0]


def _negated(g):
    return [_negated(v) for v in g] if isinstance(g, list) else -g


def test_a_falling_loss_gets_no_warning(tmp_path):
    assert quiet_train(tiny(), tmp_path)[2] == []


def test_an_unscaled_target_is_stopped_before_training(tmp_path):
    with pytest.raises(sanity.SanityError, match=r"the target 'cnt' reaches \d+; scale it .* data.target_scale"):
        quiet_train(tiny(data={"every": 20, "target_scale": 1.0}), tmp_path)
    assert not (tmp_path / "model.json").exists()


def test_an_unscaled_feature_is_named(tmp_path):
    x = [[0.5, 250.0], [0.2, 0.1]] * 5
    y = [[0.1]] * 10
    parts = {"train": (x, y), "validation": (x, y), "test": (x, y)}
    with pytest.raises(sanity.SanityError, match="feature 'temp' reaches 250 in the train block"):
        sanity.inspect(parts, ["hr", "temp"], "cnt")


def test_a_constant_feature_is_named():
    assert sanity.constant_features([[0.1, 1.0], [0.2, 1.0]], ["hr", "workingday"]) == ["workingday"]


# Mini-batches -----------------------------------------------------------------------------------------------

def test_minibatches_cover_every_row_once_in_batches_of_the_given_size():
    batches = minibatches(10, 4, random.Random(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(i for b in batches for i in b) == list(range(10))
    assert batches != [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]  # shuffled


def test_minibatches_are_repeatable_and_change_from_epoch_to_epoch():
    a, b = random.Random(3), random.Random(3)
    first = minibatches(50, 8, a)
    assert first == minibatches(50, 8, b)
    assert minibatches(50, 8, a) != first
    before = random.getstate()
    minibatches(50, 8, random.Random(0))
    assert random.getstate() == before


def test_a_batch_of_every_row_is_batch_gradient_descent():
    assert [sorted(b) for b in minibatches(7, 7, random.Random(0))] == [list(range(7))]
    assert len(minibatches(7, 100, random.Random(0))) == 1


# Pictures ---------------------------------------------------------------------------------------------------

def test_the_pictures_are_well_formed_svg_with_a_curve_per_loss_and_a_histogram_per_layer(tmp_path):
    quiet_train(tiny(), tmp_path)
    loss = ET.parse(tmp_path / "loss.svg").getroot()
    assert loss.tag == SVG + "svg" and loss.find(SVG + "title") is not None
    curves = {p.get("class"): p.get("points").split() for p in loss.iter(SVG + "polyline")}
    assert set(curves) == {"train", "validation"} and all(len(points) == 4 for points in curves.values())
    assert len([c for c in loss.iter(SVG + "circle") if c.get("class") == "best"]) == 1  # the kept model
    weights = ET.parse(tmp_path / "weights.svg").getroot()
    layers = [g for g in weights.iter(SVG + "g") if g.get("class") == "layer"]
    assert [g.get("id") for g in layers] == ["weights-0.W", "weights-0.b", "weights-2.W", "weights-2.b"]
    assert all(len(g.findall(SVG + "rect")) == 2 * plots.BINS for g in layers)  # after training, and before


def test_the_loss_picture_handles_a_single_epoch_and_equal_losses():
    history = [{"epoch": 0, "train_loss": 0.5, "validation_loss": 0.5}]
    ET.fromstring(plots.loss_svg(history, 0))
    ET.fromstring(plots.weights_svg({"0.W": [[0.0, 0.0]], "0.b": [1.0]}))
