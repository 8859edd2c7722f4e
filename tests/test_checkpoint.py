"""Run files are written atomically, and a model file that breaks a rule gets a one-line ModelError."""
import json
import os

import pytest

from reference.trainer import checkpoint, training
from reference.trainer.checkpoint import ModelError, load_model, read_state, write_json
from reference.trainer.config import resolve

CONFIG = resolve({"epochs": 1, "model": {"sizes": [5, 4, 1]}, "data": {"every": 40}})


@pytest.fixture
def model_file(tmp_path):
    """A model.json written by a one-epoch run."""
    training.train(CONFIG, str(tmp_path), log=lambda line: None, warn=lambda line: None)
    return tmp_path / "model.json"


@pytest.mark.parametrize("crash", ["fsync", "replace"])
def test_a_crash_mid_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch, crash):
    path = tmp_path / "model.json"
    write_json(path, {"weights": [1.0, 2.0]})

    def power_cut(*args):
        raise OSError("power cut")

    monkeypatch.setattr(checkpoint.os, crash, power_cut)
    with pytest.raises(OSError, match="power cut"):
        write_json(path, {"weights": [3.0, 4.0] * 1000})
    monkeypatch.undo()
    assert json.loads(path.read_text(encoding="utf-8")) == {"weights": [1.0, 2.0]}
    assert os.listdir(tmp_path) == ["model.json"]


def test_the_temporary_file_is_written_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(checkpoint.os, "replace", lambda a, b: seen.append((a, b)) or real_replace(a, b))
    write_json(tmp_path / "history.json", [])
    (temporary, target), = seen
    assert os.path.dirname(temporary) == str(tmp_path) and target == tmp_path / "history.json"


def test_floats_come_back_bit_for_bit(tmp_path):
    values = [0.1, 1 / 3, 2.0 ** -1074, 1.7976931348623157e308, -0.0]
    write_json(tmp_path / "x.json", values)
    assert [v.hex() for v in json.loads((tmp_path / "x.json").read_text())] == [v.hex() for v in values]


def test_a_saved_model_predicts_what_the_trained_one_did(model_file):
    model, record = load_model(model_file)
    assert [entry.get("units") for entry in record["layers"]] == [4, None, 1, None]
    assert [c["name"] for c in record["data"]["columns"]] == CONFIG["data"]["features"]
    assert len(model.forward([[0.5] * 5, [0.1] * 5])) == 2


def test_a_truncated_model_file_is_named(model_file):
    text = model_file.read_text(encoding="utf-8")
    model_file.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ModelError, match=r"model file '.*model.json' is not complete JSON \(truncated or corrupt\?\)"):
        load_model(model_file)


def test_a_model_file_from_another_architecture_is_named(model_file):
    record = json.loads(model_file.read_text(encoding="utf-8"))
    record["layers"][0]["units"] = 8
    model_file.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match=r"params\['0.W'\] should be \(5, 8\) numbers; "
                                         "the file is from another architecture"):
        load_model(model_file)


def test_a_model_file_with_missing_weights_is_named(model_file):
    record = json.loads(model_file.read_text(encoding="utf-8"))
    del record["params"]["2.b"]
    model_file.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match=r"params \['0.W', '0.b', '2.W'\] do not match the architecture"):
        load_model(model_file)


def test_a_json_file_that_is_not_a_model_is_named(model_file):
    history = model_file.parent / "history.json"
    with pytest.raises(ModelError, match="is not a model written by this version of 'python -m reference train'"):
        load_model(history)


def test_an_unknown_activation_in_a_model_file_is_named(model_file):
    record = json.loads(model_file.read_text(encoding="utf-8"))
    record["layers"][1]["type"] = "swish"
    model_file.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="describes no network this trainer builds: layer 1 is a \"swish\""):
        load_model(model_file)


def test_a_checkpoint_that_is_not_one_is_named(model_file):
    with pytest.raises(ModelError, match="is not a checkpoint written by"):
        read_state(model_file)
    state = json.loads((model_file.parent / "checkpoint.json").read_text(encoding="utf-8"))
    del state["rng"]
    (model_file.parent / "checkpoint.json").write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(ModelError, match="has no \"rng\"; a checkpoint needs it"):
        read_state(model_file.parent / "checkpoint.json")
