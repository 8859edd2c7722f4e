"""Training on a CSV of one's own: regression and classification (two classes and more, numbers and text as
labels), files from a spreadsheet (a byte-order mark, ';'), metrics.json against the baseline, predict, and
bad input as one line. Every file is made here: a few hundred rows, a few dozen epochs."""
import json
import math
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from reference.trainer import tabular, training
from reference.trainer.bike_sharing import DataError
from reference.trainer.config import resolve

SVG = "{http://www.w3.org/2000/svg}"


def regression_rows(n=200, seed=1):
    """price = 3 x1 - 2 x2 + 5 for red, -5 for green, plus noise; an id column the model should not need."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        x1, x2, color = rng.uniform(0, 10), rng.uniform(-5, 5), rng.choice(["red", "blue", "green"])
        price = 3 * x1 - 2 * x2 + {"red": 5, "blue": 0, "green": -5}[color] + rng.gauss(0, 1) + 100
        rows.append([str(i), f"{x1:.3f}", f"{x2:.3f}", color, f"{price:.2f}"])
    return ["id", "x1", "x2", "color", "price"], rows


def circle_rows(n=240, seed=2, labels=("0", "1")):
    """Two classes: inside or outside a circle, the inner class a third of the rows."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        u, v = rng.uniform(-1, 1), rng.uniform(-1, 1)
        rows.append([f"{u:.3f}", f"{v:.3f}", labels[u * u + v * v < 0.4]])
    return ["u", "v", "label"], rows


def species_rows(n=180, seed=3):
    """Three classes named by words, each a blob of its own in two numbers."""
    rng = random.Random(seed)
    names = ["setosa", "versicolor", "virginica"]
    return ["a", "b", "species"], [[f"{rng.gauss(k * 2, 0.7):.3f}", f"{rng.gauss((k % 2) * 3, 0.7):.3f}", names[k]]
                                   for k in (rng.randrange(3) for _ in range(n))]


def write_csv(path, header, rows, separator=",", bom=False):
    text = "\n".join(separator.join(row) for row in [header] + rows) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def run(tmp_path, csv_path, target, task, **keys):
    config = resolve({"data": {"csv": str(csv_path), "target": target, "task": task}, **keys})
    lines, warnings = [], []
    training.train(config, str(tmp_path / "run"), log=lines.append, warn=warnings.append)
    with open(tmp_path / "run" / "metrics.json", encoding="utf-8") as f:
        return json.load(f), lines


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "reference", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def one_line_error(result, code):
    assert result.returncode == code, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m reference: "), result.stderr
    return lines[0]


# Training on one's own data ---------------------------------------------------------------------------------

def test_regression_beats_the_mean_in_the_targets_own_units(tmp_path):
    scores, lines = run(tmp_path, write_csv(tmp_path / "houses.csv", *regression_rows()), "price", "regression",
                        epochs=30)
    assert set(scores) == {"task", "target", "epoch", "validation", "test"}
    for part in ("validation", "test"):
        assert set(scores[part]) == {"rows", "model", "baseline"}
        assert set(scores[part]["model"]) == set(scores[part]["baseline"]) == {"mse", "rmse", "mae"}
    test = scores["test"]
    assert test["model"]["rmse"] < 0.3 * test["baseline"]["rmse"], test  # the noise is 1, the spread about 12
    assert math.isclose(test["model"]["rmse"] ** 2, test["model"]["mse"])
    assert lines[0].startswith("data: train 140, validation 30, test 30 rows, shuffled; 6 inputs from 4 columns")
    assert lines[-1].startswith("      test RMSE")


def test_two_classes_with_numbers_as_labels_beat_the_majority_class(tmp_path):
    scores, _ = run(tmp_path, write_csv(tmp_path / "circle.csv", *circle_rows()), "label", "classification",
                    epochs=40)
    test = scores["test"]
    assert set(test["model"]) == {"accuracy", "precision", "recall", "confusion"}
    assert set(test["model"]["precision"]) == set(test["model"]["recall"]) == {"0", "1"}
    assert sum(map(sum, test["model"]["confusion"])) == test["rows"]
    assert test["model"]["accuracy"] > test["baseline"]["accuracy"] + 0.15, test
    model = json.loads((tmp_path / "run" / "model.json").read_text(encoding="utf-8"))
    assert model["layers"][-1] == {"type": "sigmoid"} and model["data"]["target"]["classes"] == ["0", "1"]


def test_three_classes_named_by_words_from_a_spreadsheet_file(tmp_path):
    """A byte-order mark, ';' as the separator and decimal commas, as a European Excel saves CSV."""
    header, rows = species_rows()
    rows = [[a.replace(".", ","), b.replace(".", ","), label] for a, b, label in rows]
    path = write_csv(tmp_path / "flowers.csv", header, rows, separator=";", bom=True)
    scores, _ = run(tmp_path, path, "species", "classification", epochs=20)
    test = scores["test"]
    assert list(test["model"]["recall"]) == ["setosa", "versicolor", "virginica"]
    model = json.loads((tmp_path / "run" / "model.json").read_text(encoding="utf-8"))
    assert [c.get("categories") for c in model["data"]["columns"]] == [None, None]  # numbers, not text
    assert test["model"]["accuracy"] >= 0.85 > 0.5 > test["baseline"]["accuracy"], test
    files = set(os.listdir(tmp_path / "run"))
    assert {"metrics.json", "report.html", "confusion.svg", "loss.svg", "weights.svg"} <= files
    cells = [r for r in ET.parse(tmp_path / "run" / "confusion.svg").iter(SVG + "rect") if r.get("class") == "cell"]
    assert len(cells) == 9
    loss = ET.parse(tmp_path / "run" / "loss.svg").getroot()
    assert [e.get("class") for e in loss.iter(SVG + "line") if e.get("class")] == ["baseline"]
    words = [t.text for t in loss.iter(SVG + "text")]
    assert "Loss (cross-entropy) per epoch, logarithmic scale" in words and "epoch (0: before training)" in words
    assert {"train loss", "validation loss", "baseline (no features), validation", "kept model"} <= set(words)


def test_the_split_is_stratified_and_the_encoding_is_fitted_on_the_training_rows(tmp_path):
    header, rows = species_rows(n=90)
    path = write_csv(tmp_path / "f.csv", header, rows)
    data = {"csv": str(path), "target": "species", "task": "classification", "features": None,
            "split": [0.6, 0.2, 0.2], "order": "shuffle", "every": 1}
    parts, encoding, _ = tabular.prepare(data, seed=0)
    counts = {c: sum(r[2] == c for r in rows) for c in ("setosa", "versicolor", "virginica")}
    train_labels = tabular.truth(encoding["target"], parts["train"][1])
    assert {c: train_labels.count(c) for c in counts} == {c: round(0.6 * n) for c, n in counts.items()}
    column = [row[0] for row in parts["train"][0]]
    assert abs(math.fsum(column) / len(column)) < 1e-12  # standardized on the training rows
    in_order, encoding, _ = tabular.prepare({**data, "order": "file"}, seed=0)
    a, b = encoding["columns"]
    assert in_order["train"][0][0] == [(float(rows[0][0]) - a["mean"]) / a["std"],
                                       (float(rows[0][1]) - b["mean"]) / b["std"]]


def test_a_layer_list_with_every_kind_of_layer_trains(tmp_path):
    layers = [{"type": "dense", "units": 6}, {"type": "leaky_relu", "alpha": 0.05}, {"type": "dense", "units": 5},
              {"type": "tanh"}, {"type": "dense", "units": 4}, {"type": "softmax"}, {"type": "neuron"},
              {"type": "identity"}]
    scores, _ = run(tmp_path, write_csv(tmp_path / "h.csv", *regression_rows(n=60)), "price", "regression",
                    epochs=2, model={"layers": layers})
    assert math.isfinite(scores["test"]["model"]["mse"])


def test_sizes_that_do_not_fit_the_data_are_named_after_the_data_is_read(tmp_path):
    path = write_csv(tmp_path / "h.csv", *regression_rows(n=30))
    with pytest.raises(ValueError, match=r"config key 'model.sizes\[0\]' must be 6, the number of inputs"):
        run(tmp_path, path, "price", "regression", model={"sizes": [4, 8, 1], "activations": ["relu", "identity"]})
    with pytest.raises(ValueError, match=r"config key 'model.layers' must be a list whose last layer gives 1 outputs"):
        run(tmp_path, path, "price", "regression", model={"layers": [{"type": "dense", "units": 3}]})
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("text, words", [
    ("a,b,y\n1,2,3\n", "missing column 'c', which the config lists in data.features"),
    ("a,c,y\nNA,1,2\n" + "".join(f"{i},{i},{i}\n" for i in range(19)),
     "column 'a': numbers except 'NA'; fill in or remove that value"),
    ("a,c,y\n" + "".join(f"name{i},{i},{i}\n" for i in range(80)), "column 'a': 56 different text values"),
    ("a,c,y\n1,2,3\n2,3,4\n", "2 rows leave the test block empty"),
    ("a,c,y\n" + "".join(f"{i},{i},{i}.5\n" for i in range(60)), "60 different numbers as classes; for a quantity"),
    ("a,c,y\n1,2,cat\n2,3,\n3,4,dog\n", "line 3, column 'y': no class label"),
    ("a,c,y\n1,2,cat\n2,3,cat\n3,4,cat\n", "column 'y': one class only ('cat'); classification needs two"),
])
def test_bad_data_is_one_line_naming_the_rule(tmp_path, text, words):
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    task = "classification" if "class" in words else "regression"
    data = {"csv": str(tmp_path / "d.csv"), "target": "y", "task": task, "features": ["a", "c"],
            "split": [0.7, 0.15, 0.15], "order": "file", "every": 1}
    with pytest.raises(DataError) as error:
        tabular.prepare(data, 0)
    assert words in str(error.value) and "\n" not in str(error.value)


# The command line -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A regression run from a three-key config, started from another working folder."""
    folder = tmp_path_factory.mktemp("own")
    write_csv(folder / "houses.csv", *regression_rows(n=120))
    (folder / "config.json").write_text(json.dumps(
        {"data": {"csv": "houses.csv", "target": "price", "task": "regression"}, "epochs": 15}), encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = cli("train", "--config", folder / "config.json", "--out", folder / "run", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    return folder


def test_a_three_key_config_trains_from_any_working_folder_and_beats_the_mean(trained):
    scores = json.loads((trained / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert scores["test"]["model"]["mae"] < 0.5 * scores["test"]["baseline"]["mae"], scores["test"]
    assert all(oct(os.stat(trained / "run" / name).st_mode & 0o777) == "0o644"
               for name in os.listdir(trained / "run"))
    page = (trained / "run" / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "<script" not in page and "price" in page


def test_predict_keeps_the_input_columns_and_warns_far_outside_the_training_range(trained, tmp_path):
    header, rows = regression_rows(n=3, seed=9)
    rows.append(["77", "500", "0", "red", ""])
    result = cli("predict", "--model", trained / "run" / "model.json", "--csv",
                 write_csv(tmp_path / "new.csv", header, rows))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "id,x1,x2,color,price,predicted_price"
    assert [line.rpartition(",")[0] for line in out[1:]] == [",".join(row) for row in rows]
    predicted, actual = float(out[1].rpartition(",")[2]), float(rows[0][4])
    assert abs(predicted - actual) < 10 and "." in out[1].rpartition(",")[2]
    assert result.stderr.splitlines() == ["predict: column 'x1' has 1 value(s) far outside the training range "
                                          f"{result.stderr.split('range ')[1].split(' (')[0]} (e.g. 500); "
                                          "predictions there are guesses"]


def test_out_into_a_folder_of_ones_own_files_is_refused_and_leaves_them_alone(trained, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    line = one_line_error(cli("train", "--config", trained / "config.json", "--out", tmp_path), 2)
    assert "is not a run folder" in line and "run folder:" not in line
    assert os.listdir(tmp_path) == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "mine"


def test_a_run_failing_before_it_starts_prints_no_run_folder(tmp_path):
    write_csv(tmp_path / "h.csv", *regression_rows(n=20))
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"data": {"csv": "h.csv", "target": "price", "task": "regression",
                                           "features": ["x1", "size"]}}), encoding="utf-8")
    result = cli("train", "--config", config, "--out", tmp_path / "run")
    assert "missing column 'size', which the config lists in data.features" in one_line_error(result, 1)
    assert result.stdout.startswith("") and "run folder" not in result.stdout and not (tmp_path / "run").exists()


def test_an_unknown_optimizer_key_and_a_missing_task_are_named(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"data": {"csv": "h.csv", "target": "price", "task": "regression"},
                                  "optimizer": {"name": "adam", "lr": 0.01, "momentum": 0.9}}), encoding="utf-8")
    assert "'optimizer.momentum' is not a setting of optimizer 'adam'" in one_line_error(
        cli("train", "--config", config), 2)
    config.write_text(json.dumps({"data": {"csv": "h.csv", "target": "price"}}), encoding="utf-8")
    assert "config key 'data.task' must be 'regression' or 'classification'" in one_line_error(
        cli("train", "--config", config), 2)
