"""python -m reference train | predict, run as a user runs them: kill and resume, bad input of every kind
(one line on stderr, a non-zero exit, never a traceback), predictions in bikes, and the default run."""
import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from reference.trainer import training
from reference.trainer.bike_sharing import HOUR_CSV
from reference.trainer.config import resolve

SMALL = {"epochs": 6, "model": {"sizes": [5, 4, 1]}, "data": {"every": 2}, "optimizer": {"name": "adam", "lr": 0.01}}


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "reference", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def write(path, value):
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def one_line_error(result, code):
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m reference: "), result.stderr
    return lines[0]


def saved_epoch(folder):
    try:
        with open(folder / "checkpoint.json", encoding="utf-8") as f:
            return json.load(f)["epoch"]
    except (OSError, ValueError, KeyError):
        return -1


def test_a_run_killed_mid_epoch_resumes_to_the_same_model_bit_for_bit(tmp_path):
    config = write(tmp_path / "config.json", SMALL)
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "reference", "train", "--config", str(config),
                                "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while saved_epoch(killed) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    time.sleep(0.05)  # into the next epoch
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed; make it longer"
    assert 2 <= saved_epoch(killed) < 6
    resumed = cli("train", "--resume", killed)
    assert resumed.returncode == 0, resumed.stderr
    training.train(resolve(SMALL), str(tmp_path / "straight"), log=lambda line: None, warn=lambda line: None)
    for name in ("history.json", "model.json"):
        assert (killed / name).read_bytes() == (tmp_path / "straight" / name).read_bytes(), name
    assert not [name for name in os.listdir(killed) if name.endswith(".tmp")]


def test_resume_and_out_errors_are_one_line(tmp_path):
    assert "no checkpoint.json there" in one_line_error(cli("train", "--resume", tmp_path), 2)
    config = write(tmp_path / "c.json", {"epochs": 1, "model": {"sizes": [5, 2, 1]}, "data": {"every": 40}})
    assert cli("train", "--config", config, "--out", tmp_path / "run").returncode == 0
    assert "holds a run already; continue it with --resume" in one_line_error(
        cli("train", "--config", config, "--out", tmp_path / "run"), 2)
    other = write(tmp_path / "other.json", {"epochs": 2, "model": {"sizes": [5, 3, 1]}, "data": {"every": 40}})
    assert "cannot resume" in one_line_error(cli("train", "--resume", tmp_path / "run", "--config", other), 1)
    assert "invalid choice: 'trian'" in one_line_error(cli("trian"), 2)


@pytest.mark.parametrize("csv_text, words", [
    ("instant,hr,temp\n1,0,0.2\n", "missing column 'hum'"),
    ("", "the file is empty"),
    ("hr,temp,hum,windspeed,workingday,cnt\n0,0.2,0.5,0.1,1,16\n3,warm,0.5,0.1,1,40\n",
     "line 3, column 'temp': expected a number, got 'warm'"),
])
def test_a_corrupt_csv_is_one_line_exit_1(tmp_path, csv_text, words):
    data = write(tmp_path / "bikes.csv", csv_text)
    config = write(tmp_path / "c.json", {"data": {"csv": str(data)}})
    assert words in one_line_error(cli("train", "--config", config, "--out", tmp_path / "run"), 1)


def test_divergence_is_one_line_exit_1_suggesting_a_smaller_lr(tmp_path):
    config = write(tmp_path / "c.json", {"epochs": 3, "optimizer": {"name": "sgd", "lr": 100},
                                         "data": {"every": 20}})
    line = one_line_error(cli("train", "--config", config, "--out", tmp_path / "run"), 1)
    assert "training diverged in epoch 1" in line and "try a smaller optimizer.lr, e.g. 10" in line
    assert json.loads((tmp_path / "run" / "model.json").read_text())["epoch"] == 0


# predict ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    training.train(resolve({"epochs": 1, "model": {"sizes": [5, 4, 1]}, "data": {"every": 40}}), str(folder),
                   log=lambda line: None, warn=lambda line: None)
    return folder / "model.json"


def test_predict_prints_one_prediction_in_bikes_per_row(tmp_path, model_file):
    rows = open(HOUR_CSV, encoding="utf-8").read().splitlines()[:4]
    result = cli("predict", "--model", model_file, "--csv", write(tmp_path / "three.csv", "\n".join(rows) + "\n"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == rows[0] + ",predicted_cnt" and len(lines) == 4
    assert [line.rpartition(",")[0] for line in lines[1:]] == rows[1:]  # the input columns, then the prediction
    assert all(math.isfinite(float(line.rpartition(",")[2])) for line in lines[1:])


def test_predict_needs_only_the_feature_columns(tmp_path, model_file):
    csv_file = write(tmp_path / "f.csv", "hr,temp,hum,windspeed,workingday\n17,0.6,0.4,0.2,1\n")
    result = cli("predict", "--model", model_file, "--csv", csv_file)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2, result.stderr


def test_predict_with_a_truncated_model_file_is_one_line(tmp_path, model_file):
    text = model_file.read_text(encoding="utf-8")
    truncated = write(tmp_path / "model.json", text[: len(text) // 3])
    line = one_line_error(cli("predict", "--model", truncated, "--csv", HOUR_CSV), 1)
    assert "is not complete JSON (truncated or corrupt?)" in line


def test_predict_with_a_model_of_another_architecture_is_one_line(tmp_path, model_file):
    record = json.loads(model_file.read_text(encoding="utf-8"))
    record["layers"][2:2] = [{"type": "dense", "units": 4}, {"type": "relu"}]
    line = one_line_error(cli("predict", "--model", write(tmp_path / "m.json", record), "--csv", HOUR_CSV), 1)
    assert "do not match the architecture, which has ['0.W', '0.b', '2.W', '2.b', '4.W', '4.b']" in line


def test_predict_with_a_csv_missing_a_feature_is_one_line(tmp_path, model_file):
    csv_file = write(tmp_path / "x.csv", "hr,temp\n1,2\n")
    line = one_line_error(cli("predict", "--model", model_file, "--csv", csv_file), 1)
    assert "missing column 'hum', which the model takes as a feature" in line


# The default run --------------------------------------------------------------------------------------------

def test_the_default_run_beats_the_mean_by_30_percent(tmp_path):
    """Its time is make bench's business (README); the timeout only ends a run that hangs."""
    result = cli("train", "--out", tmp_path / "run", timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("epoch ") for line in lines) == 20
    assert "bikes" in lines[-3] and "bikes" in lines[-2]
    summary = json.loads((tmp_path / "run" / "history.json").read_text())["test"]
    assert summary["mse"] <= 0.7 * summary["baseline_mse"], summary
