"""The sequence trainer: a recurrent model on windows of the bike data, reported against the mean and the two
persistence forecasts; truncated backpropagation through time; predictions on windows; bad configs in one line."""
import json
import math
import os
import subprocess
import sys

import pytest

from reference.gru import GRU
from reference.lstm import LSTM
from reference.rnn import RNN
from reference.trainer import training
from reference.trainer.bike_sequences import LAGS, load, persistence
from reference.trainer.bptt import Truncated, truncate
from reference.trainer.config import load as load_config
from reference.trainer.config import resolve
from reference.trainer.config_rules import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSTM_LAYERS = [{"type": "lstm", "units": 3}, {"type": "last_step"}, {"type": "dense"}]
TINY = {"data": {"window": 24, "every": 97}, "model": {"layers": LSTM_LAYERS},
        "optimizer": {"name": "adam", "lr": 0.02}, "epochs": 2, "batch_size": 16}


def cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "reference", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def one_line_error(result, code):
    assert result.returncode == code, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m reference: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A two-epoch LSTM run on every 97th window: (folder, printed lines, returned summary)."""
    folder = tmp_path_factory.mktemp("sequences") / "run"
    printed = []
    summary = training.train(resolve(TINY), str(folder), log=printed.append, warn=printed.append)
    return folder, printed, summary


def read(folder, name):
    with open(folder / name, encoding="utf-8") as f:
        return json.load(f)


def test_a_sequence_run_reports_the_mean_and_both_persistence_forecasts(tiny_run):
    folder, printed, summary = tiny_run
    assert printed[0].startswith("data: train 109, validation 18, test 35 windows of 24 hours in time order "
                                 "(one window in 97); 6 inputs per hour (hr, temp, hum, windspeed, workingday, cnt)")
    labels = [line.split(" (cnt/1000)")[0].strip().rsplit(" ", 1)[0] for line in printed[-6:-2]]
    assert labels == ["test MSE", "mean baseline MSE", "hour-earlier MSE", "day-earlier MSE"]
    assert printed[-2].startswith("model / baseline MSE: ") and printed[-2].endswith(" on 35 test rows")
    assert printed[-1].startswith("model / persistence MSE: ") and "(hour earlier)" in printed[-1]
    assert set(summary["persistence_mse"]) == set(LAGS)
    assert read(folder, "history.json")["test"] == summary


def test_the_persistence_figures_are_those_of_the_test_windows_themselves(tiny_run):
    folder, _, summary = tiny_run
    _, _, (x, y) = load()
    x, y = x[::97], y[::97]
    metrics = read(folder, "metrics.json")["test"]
    for name, lag in LAGS.items():
        mse = sum((p[0] - t[0]) ** 2 for p, t in zip(persistence(x, lag), y)) / len(y)
        assert math.isclose(summary["persistence_mse"][name], mse, rel_tol=1e-12)
        assert math.isclose(metrics["persistence"][name]["mse"], mse * 1000 ** 2, rel_tol=1e-9)  # in bikes^2
    assert metrics["rows"] == 35 and set(metrics) == {"rows", "model", "baseline", "persistence"}


def test_the_report_shows_the_persistence_forecasts(tiny_run):
    folder, _, _ = tiny_run
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "persistence forecasts are baselines too" in page
    assert page.count("baseline: the count hour earlier") == 6  # mse, rmse, mae on validation and test


def test_predict_gives_a_number_for_every_hour_with_a_full_window_before_it(tiny_run, tmp_path):
    folder, _, _ = tiny_run
    with open(os.path.join(ROOT, "reference", "data", "bike-sharing", "hour.csv"), encoding="utf-8") as f:
        head = f.read().splitlines()[:31]  # 30 hours, the first gap after hour 29 of the file
    path = tmp_path / "hours.csv"
    path.write_text("\n".join(head) + "\n", encoding="utf-8")
    result = cli("predict", "--model", folder / "model.json", "--csv", path)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].endswith(",cnt,predicted_cnt")
    predicted = [row.rsplit(",", 1)[1] for row in rows[1:]]
    assert predicted[:24] == [""] * 24 and all(float(v) == float(v) for v in predicted[24:29])


def test_a_resumed_sequence_run_ends_where_an_uninterrupted_one_does(tmp_path, tiny_run):
    folder, _, summary = tiny_run
    first = tmp_path / "resumed"
    training.train(resolve({**TINY, "epochs": 1}), str(first), log=lambda line: None)
    resumed = training.train(resolve(TINY), str(first), resuming=True, log=lambda line: None)
    assert read(first, "model.json")["params"] == read(folder, "model.json")["params"]
    assert resumed == summary


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU], ids=lambda cls: cls.__name__)
def test_truncated_bptt_is_the_last_k_steps_run_from_the_state_before_them(cls):
    x = [[[0.1 * (n + 1) * (t - 2), 0.3 - 0.05 * t * n] for t in range(5)] for n in range(2)]
    dy = [[[0.5 - 0.1 * t, 0.2 * n - 0.1, 0.3] for t in range(5)] for n in range(2)]
    cut, full = Truncated(cls(2, 3, seed=4), 2), cls(2, 3, seed=4)
    assert cut.forward(x) == full.forward(x)  # the forward pass is untouched
    dx = cut.backward(dy)
    head, tail = cls(2, 3, seed=4), cls(2, 3, seed=4)
    h = head.forward([row[:3] for row in x])
    state = ([row[-1] for row in h], head.c_last) if cls is LSTM else ([row[-1] for row in h],)
    tail.forward([row[3:] for row in x], *state)
    dx_tail = tail.backward([row[3:] for row in dy])
    assert cut.grads == tail.grads and cut.params is cut.layer.params
    assert [row[3:] for row in dx] == dx_tail
    assert all(v == 0.0 for row in dx for step in row[:3] for v in step)  # no gradient before the cut
    full.backward(dy)
    assert full.grads["Wx"] != cut.grads["Wx"]


def test_truncation_changes_nothing_in_evaluation_or_when_the_window_is_short():
    x = [[[0.5, -1.0], [1.0, 0.25], [-0.5, 0.5]]]
    dy = [[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]
    for cut in (Truncated(RNN(2, 2, seed=1), 3), Truncated(RNN(2, 2, seed=1), 8)):
        full = RNN(2, 2, seed=1)
        cut.forward(x), full.forward(x)
        assert cut.backward(dy) == full.backward(dy) and cut.grads == full.grads
    cut = Truncated(RNN(2, 2, seed=1), 1)
    cut.training = False
    cut.forward(x)
    assert cut.cut == 0


def test_truncate_wraps_the_recurrent_layers_of_a_model_only(tiny_run):
    from reference.trainer.architecture import build_layers
    model = build_layers(LSTM_LAYERS, 6, 1)[0]
    names = list(model.params)
    truncate(model, 4)
    assert [type(layer).__name__ for layer in model.layers] == ["Truncated", "LastStep", "Dense"]
    assert list(model.params) == names  # the same params under the same names: checkpoints and optimizers see no change


def test_a_run_with_bptt_trains_a_different_model_from_the_same_start(tmp_path, tiny_run):
    folder, _, _ = tiny_run
    cut = tmp_path / "cut"
    training.train(resolve({**TINY, "bptt": 4}), str(cut), log=lambda line: None)
    assert read(cut, "config.json")["bptt"] == 4
    assert read(cut, "model.json")["params"] != read(folder, "model.json")["params"]
    assert read(cut, "model.json")["layers"] == read(folder, "model.json")["layers"]


def test_the_shipped_lstm_config_describes_an_lstm_on_windows_with_truncated_bptt():
    config = load_config(os.path.join(ROOT, "reference", "trainer", "configs", "bike_lstm.json"))
    assert config["data"]["window"] == 24 and config["data"]["every"] % 2 and config["data"]["every"] % 3
    assert [layer["type"] for layer in config["model"]["layers"]] == ["lstm", "last_step", "dense"]
    assert config["bptt"] == 6 and config["loss"] == "mse"


def test_the_default_config_stays_one_row_per_hour():
    config = resolve({})
    assert config["data"]["window"] is None and config["bptt"] is None


@pytest.mark.parametrize("given, message", [
    ({"model": {"layers": LSTM_LAYERS}},
     "config key 'model.layers[0].type' must be a layer on rows: a recurrent layer and last_step read sequences; "
     "set data.window (e.g. 24) to train on windows of hours, got \"lstm\""),
    ({"data": {"window": 24}}, "config key 'model' must be a layer list with a recurrent layer for data.window"),
    ({"data": {"window": 12}, "model": {"layers": LSTM_LAYERS}},
     "config key 'data.window' must be null (one row per hour) or a whole number of hours >= 24 (windows), got 12"),
    ({**TINY, "bptt": 25}, "config key 'bptt' must be at most data.window (24): the steps backward goes through, "
                           "got 25"),
    ({**TINY, "bptt": 0}, "config key 'bptt' must be null (the full sequence) or a positive integer, got 0"),
    ({"bptt": 6}, "config key 'bptt' must be null: truncated backpropagation through time needs sequences"),
    ({"data": {"window": 24, "order": "shuffle"}, "model": {"layers": LSTM_LAYERS}},
     "config key 'data.order' must be 'file' with data.window: windows are cut in time order, never shuffled"),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "gru"}, {"type": "last_step"}, {"type": "dense"}]}},
     "config key 'model.layers[0].units' is missing; the gru layer needs its hidden size"),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "dense", "units": 4}, {"type": "last_step"},
                                                   {"type": "dense"}]}},
     "config key 'model.layers[0].type' must be a recurrent layer (rnn, lstm, gru) before last_step, got \"dense\""),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "rnn", "units": 4}, {"type": "dense"}]}},
     "config key 'model.layers' must be a list with one last_step after the recurrent layers"),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "rnn", "units": 4}, {"type": "last_step"},
                                                   {"type": "rnn", "units": 2}]}},
     "config key 'model.layers[2].type' must be a layer on rows after last_step, not a recurrent one, got \"rnn\""),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "last_step"}, {"type": "dense"}]}},
     "config key 'model.layers[0].type' must be a recurrent layer (rnn, lstm, gru) before last_step"),
    ({"data": {"window": 24}, "model": {"layers": [{"type": "lstm", "units": 4, "alpha": 1}, {"type": "last_step"},
                                                   {"type": "dense"}]}},
     "config key 'model.layers[0].alpha' is not a setting of a lstm layer; its settings are: units"),
])
def test_a_sequence_config_that_breaks_a_rule_gets_one_line(given, message):
    with pytest.raises(ConfigError) as error:
        resolve(given)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_the_command_line_refuses_a_recurrent_layer_without_windows_with_exit_2(tmp_path):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"model": {"layers": LSTM_LAYERS}}), encoding="utf-8")
    line = one_line_error(cli("train", "--config", config, "--out", tmp_path / "run"), 2)
    assert "set data.window (e.g. 24)" in line
    assert not (tmp_path / "run").exists()


def test_too_few_hours_for_a_block_is_one_line_with_exit_1(tmp_path):
    config = tmp_path / "sparse.json"
    data = {"window": 24, "every": 97, "split": [0.899, 0.001, 0.1]}  # 17 validation hours: no window of 24
    config.write_text(json.dumps({**TINY, "data": data}), encoding="utf-8")
    line = one_line_error(cli("train", "--config", config, "--out", tmp_path / "run"), 1)
    assert line == ("python -m reference: data: the validation block holds no window; use more hours (a smaller "
                    "data.every, a larger share in data.split)")
