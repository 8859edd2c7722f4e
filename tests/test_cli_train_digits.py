"""python -m reference train on the handwritten digits: a config of image layers, one-line errors for every broken
rule of them, the network built with the shapes the data gives, a short run's files (the learned filters, the
confusion matrix), resume and predict."""
import json
import random
import subprocess
import sys

import pytest

from reference.trainer import training
from reference.trainer.architecture import build_layers, output_width
from reference.trainer.config import IMAGES, resolve
from reference.trainer.config_rules import ConfigError
from reference.trainer.digits import DIGITS_CSV
from reference.trainer.plots import filters_svg

CONV = {"type": "conv2d", "filters": 2, "kernel_size": 3}
SHORT = {"data": {"images": "digits", "every": 6}, "epochs": 2, "optimizer": {"name": "adam", "lr": 0.05},
         "model": {"layers": [{**CONV, "padding": 1}, {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2},
                              {"type": "flatten"}, {"type": "dense"}]}}


def cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "reference", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def images(layers):
    return {"data": {"images": "digits"}, "model": {"layers": layers}}


def test_data_images_takes_the_defaults_of_a_cnn_on_the_digits():
    config = resolve({"data": {"images": "digits"}})
    assert config["model"] == IMAGES["model"]
    assert config["loss"] == "cross_entropy" and config["optimizer"]["name"] == "adam"
    assert config["data"] == {"images": "digits", "split": [0.7, 0.1, 0.2], "every": 1}


def test_the_shipped_digits_config_spells_out_the_defaults():
    with open("reference/trainer/configs/digits.json", encoding="utf-8") as f:
        given = json.load(f)
    assert resolve(given) == resolve({"data": {"images": "digits"}})


BAD = [
    ({"data": {"images": "mnist"}}, "config key 'data.images' must be one of 'digits', got \"mnist\""),
    ({"data": {"images": "digits", "task": "classification"}},
     "config key 'data.task' is not a known key; known keys here: images, split, every"),
    ({"data": {"images": "digits", "split": [0.5, 0.5]}},
     "config key 'data.split' must be three positive fractions: train, validation, test, got [0.5, 0.5]"),
    ({"data": {"images": "digits"}, "loss": "mse"}, "config key 'loss' must be one of 'cross_entropy', got \"mse\""),
    ({"data": {"images": "digits"}, "model": {"sizes": [64, 10], "activations": ["identity"]}},
     "config key 'model.sizes' must be left out: a network on images is a list of layers (model.layers), got [64, 10]"),
    (images([{"type": "conv2d", "kernel_size": 3}]), "config key 'model.layers[0].filters' is missing; a conv2d layer "
                                                     "needs it"),
    (images([{"type": "max_pool2d"}]), "config key 'model.layers[0].kernel_size' is missing; a max_pool2d layer needs it"),
    (images([{**CONV, "filters": 0}]), "config key 'model.layers[0].filters' must be a positive integer, got 0"),
    (images([{**CONV, "kernel_size": [3, 0]}]),
     "config key 'model.layers[0].kernel_size' must be an integer >= 1 or a pair [rows, columns] of them, got [3, 0]"),
    (images([{**CONV, "stride": 1.5}]),
     "config key 'model.layers[0].stride' must be an integer >= 1 or a pair [rows, columns] of them, got 1.5"),
    (images([{**CONV, "padding": -1}]),
     "config key 'model.layers[0].padding' must be an integer >= 0 or a pair [rows, columns] of them, got -1"),
    (images([{**CONV, "padding": [1, 1, 1]}]),
     "config key 'model.layers[0].padding' must be an integer >= 0 or a pair [rows, columns] of them, got [1, 1, 1]"),
    (images([{**CONV, "units": 4}]), "config key 'model.layers[0].units' is not a setting of a conv2d layer; its "
                                     "settings are: filters, kernel_size, stride, padding"),
    (images([{"type": "max_pool2d", "kernel_size": 2, "padding": 1}]),
     "config key 'model.layers[0].padding' is not a setting of a max_pool2d layer; its settings are: kernel_size, "
     "stride"),
    (images([{**CONV, "kernel_size": 9}]),
     "config key 'model.layers[0].kernel_size' must be at most the image it is given, 8x8 with padding 0x0, got 9"),
    (images([CONV, {"type": "dense"}]),
     "config key 'model.layers[1].type' must be an image layer, an activation or flatten: a dense layer takes rows, "
     "and the examples are images [2, 6, 6] here; put {\"type\": \"flatten\"} before it, got \"dense\""),
    (images([CONV, {"type": "softmax"}, {"type": "flatten"}, {"type": "dense"}]),
     "config key 'model.layers[1].type' must be an image layer, an activation or flatten: a softmax layer takes "
     "rows, and the examples are images [2, 6, 6] here; put {\"type\": \"flatten\"} before it, got \"softmax\""),
    (images([{"type": "flatten"}, CONV]),
     "config key 'model.layers[1].type' must be a layer that takes rows: after the flatten layer, got \"conv2d\""),
    (images([CONV, {"type": "relu"}]),
     "config key 'model.layers' must be a list that ends in rows, not images [2, 6, 6]: put a flatten layer and a "
     "dense layer after the image layers, got [\"conv2d\", \"relu\"]"),
    (images([{"type": "flatten"}, {"type": "dense"}, {"type": "softmax"}]),
     "config key 'model.layers[2].type' must be a layer other than softmax: the cross-entropy loss applies the "
     "softmax (or the sigmoid) itself, got \"softmax\""),
    ({"model": {"layers": [CONV, {"type": "dense"}]}, "data": {"csv": "h.csv", "target": "y", "task": "regression"}},
     "config key 'model.layers[0].type' must be a layer that takes rows: the data are rows, not images (data.images), "
     "got \"conv2d\""),
]


@pytest.mark.parametrize("given, words", BAD, ids=[w[12:60] for _, w in BAD])
def test_each_broken_rule_of_the_image_layers_is_one_line(given, words):
    with pytest.raises(ConfigError) as error:
        resolve(given)
    assert str(error.value) == words


def test_a_window_that_outgrows_the_pooled_image_is_named_with_the_size_there():
    with pytest.raises(ConfigError, match=r"'model.layers\[2\].kernel_size' must be at most the image it is given, "
                                          r"3x3 with padding 0x0, got 4"):
        resolve(images([CONV, {"type": "max_pool2d", "kernel_size": 2}, {"type": "max_pool2d", "kernel_size": 4},
                        {"type": "flatten"}, {"type": "dense"}]))


def test_a_broken_rule_on_the_command_line_is_one_line_exit_2_before_any_folder(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps(images([{**CONV, "filters": -3}])))
    result = cli("train", "--config", config, "--out", tmp_path / "run", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("python -m reference: config key 'model.layers[0].filters' must be a positive "
                                     "integer, got -3")
    assert not (tmp_path / "run").exists()


def test_the_network_is_built_with_the_shapes_the_images_give():
    layers = [{"type": "conv2d", "filters": 3, "kernel_size": [3, 2], "stride": [1, 2], "padding": 1},
              {"type": "tanh"}, {"type": "batch_norm2d"}, {"type": "avg_pool2d", "kernel_size": 2, "stride": 1},
              {"type": "flatten"}, {"type": "dense", "units": 5}, {"type": "relu"}, {"type": "dense"}]
    model, filled = build_layers(layers, (1, 8, 8), 10, seed=3)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "Tanh", "BatchNorm2D", "AvgPool2D", "Flatten", "Dense", "ReLU", "Dense"]
    assert len(model.params["0.W"]) == 3 and len(model.params["0.W"][0][0]) == 3  # W (F, C, KH, KW) = (3, 1, 3, 2)
    assert len(model.params["0.W"][0][0][0]) == 2
    # conv: H' = (8 + 2 - 3) // 1 + 1 = 8, W' = (8 + 2 - 2) // 2 + 1 = 5; avg pool 2 stride 1: 7 x 4; 3 * 7 * 4 = 84
    assert len(model.params["5.W"]) == 84 and filled[-1] == {"type": "dense", "units": 10}
    assert output_width(filled, (1, 8, 8)) == 10
    x = [[[[random.Random(k).random() for _ in range(8)] for _ in range(8)]] for k in range(2)]
    assert len(model.forward(x)[1]) == 10
    dx = model.backward([[0.1 * k for k in range(10)]] * 2)
    assert (len(dx), len(dx[0]), len(dx[0][0]), len(dx[0][0][0])) == (2, 1, 8, 8)


def test_one_seed_fixes_the_conv_weights_and_another_changes_them():
    first, again, other = (build_layers([CONV, {"type": "flatten"}, {"type": "dense"}], (1, 8, 8), 10, seed=s)[0]
                           for s in (0, 0, 1))
    assert first.params["0.W"] == again.params["0.W"] != other.params["0.W"]
    assert first.params["2.W"] != other.params["2.W"]


def test_the_filters_picture_draws_every_weight_on_one_color_scale():
    W = [[[[1.0, -1.0], [0.0, 0.5]]], [[[-2.0, 0.0], [0.25, 2.0]]]]  # (2, 1, 2, 2)
    svg = filters_svg({"0.W": W})
    assert svg.startswith("<svg") and svg.count("<rect") == 1 + 8 + 2  # background, 8 weights, 2 outlines
    assert "0.W: 2 filters of 1 x 2 x 2; color scale -2 (blue) .. 0 (white) .. +2 (red)" in svg
    assert 'fill="rgb(178,24,43)"><title>2</title>' in svg  # the largest weight: full red
    assert 'fill="rgb(33,102,172)"><title>-2</title>' in svg  # the smallest: full blue
    assert 'fill="rgb(255,255,255)"><title>0</title>' in svg


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("digits") / "run"
    lines = []
    scores = training.train(resolve(SHORT), str(folder), log=lines.append, warn=lines.append)
    return folder, lines, scores


def test_a_short_run_learns_and_writes_the_filters_and_the_confusion_matrix(short_run):
    folder, lines, scores = short_run
    assert lines[0].startswith("data: train 212, validation 28, test 60 images (1, 8, 8) of handwritten digits")
    assert lines[-1].startswith("      test accuracy ") and "majority-class baseline" in lines[-1]
    assert scores["test"]["model"]["accuracy"] > 3 * scores["test"]["baseline"]["accuracy"]
    for name in ("filters.svg", "confusion.svg", "loss.svg", "weights.svg", "report.html", "model.json"):
        assert (folder / name).exists(), name
    assert "0.W: 2 filters of 1 x 3 x 3" in (folder / "filters.svg").read_text()
    report = (folder / "report.html").read_text()
    assert "<h2>filters.svg</h2>" in report and "<h2>confusion.svg</h2>" in report
    assert len(json.loads((folder / "model.json").read_text())["params"]["0.W"][0][0]) == 3


def test_a_digits_run_resumes_to_more_epochs(short_run, tmp_path):
    folder, _, _ = short_run
    copy = tmp_path / "run"
    subprocess.run(["cp", "-r", str(folder), str(copy)], check=True)
    result = cli("train", "--resume", copy, "--config", write_config(tmp_path, {**SHORT, "epochs": 3}))
    assert result.returncode == 0, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("epoch ")] == ["3/3"]


def write_config(folder, config):
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    return path


def test_predict_reads_a_file_of_digits_and_names_each_digit(short_run, tmp_path):
    folder, _, _ = short_run
    lines = open(DIGITS_CSV, encoding="utf-8").read().splitlines()[:5]
    csv_file = tmp_path / "five.csv"
    csv_file.write_text("\n".join(lines) + "\n")
    result = cli("predict", "--model", folder / "model.json", "--csv", csv_file, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "digit,predicted_digit,probability" and len(out) == 6
    assert [row.split(",")[0] for row in out[1:]] == ["0", "1", "2", "3", "4"]
    assert all(row.split(",")[1] in "0123456789" and 0.0 < float(row.split(",")[2]) <= 1.0 for row in out[1:])


def test_predict_on_a_malformed_digits_file_is_one_line(short_run, tmp_path):
    folder, _, _ = short_run
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("1,2,3\n")
    result = cli("predict", "--model", folder / "model.json", "--csv", csv_file, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("python -m reference: bad.csv, line 1: expected 65 fields (64 pixels, then the "
                                     "digit), got 3")
