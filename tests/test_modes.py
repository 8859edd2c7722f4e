"""Training and evaluation modes (specs/protocol.md, "Modes"): Sequential hands its mode to every layer, and the
trainer, the predictions and the baseline check evaluate in evaluation mode while training steps train."""
import dataclasses

import pytest

import reference
from checks import baseline
from checks.components import COMPONENTS
from reference.trainer import predict, training
from reference.sequential import evaluate
from tests.test_training import quiet_train, tiny


class Spy(reference.Identity):
    """The identity, recording the mode and the number of rows of every forward."""

    def __init__(self, seen):
        super().__init__()
        self.seen, self.training = seen, True

    def forward(self, x):
        self.seen.append((self.training, len(x)))
        return super().forward(x)


class Refusing(reference.Identity):
    def forward(self, x):
        raise ValueError("refused")


def test_sequential_hands_its_mode_to_every_layer_nested_ones_too():
    seen = []
    inner = reference.Sequential([Spy(seen)])
    model = reference.Sequential([reference.Dense(2, 2), Spy(seen), inner])
    assert model.training is True and inner.training is True
    model.training = False
    model.forward([[1.0, 2.0]])
    model.training = True
    model.forward([[1.0, 2.0]])
    assert seen == [(False, 1), (False, 1), (True, 1), (True, 1)]


def test_evaluate_runs_one_forward_in_evaluation_and_restores_the_mode_even_after_an_error():
    seen = []
    model = reference.Sequential([Spy(seen)])
    evaluate(model, [[1.0]])
    assert seen == [(False, 1)] and model.training is True
    model.training = False
    evaluate(model, [[1.0]])
    assert model.training is False
    model.training = True
    model.layers.append(Refusing())
    with pytest.raises(ValueError):
        evaluate(model, [[1.0]])
    assert model.training is True


def test_a_model_with_dropout_predicts_the_same_twice_in_evaluation_and_trains_on_fresh_masks():
    x = [[1.0, -2.0, 0.5, 3.0]] * 4
    model = reference.Sequential([reference.Dense(4, 6, seed=3), reference.Dropout(0.5, seed=1),
                                  reference.Dense(6, 2, seed=4)])
    first = evaluate(model, x)
    assert evaluate(model, x) == first
    assert model.forward(x) != model.forward(x)  # training mode: each forward draws a new mask
    assert evaluate(model, x) == first  # the draws did not change what evaluation computes


def test_batch_norm_in_a_network_uses_the_running_statistics_in_evaluation():
    x = [[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]]
    model = reference.Sequential([reference.BatchNorm(2)])
    model.forward(x)
    norm = model.layers[0]
    assert norm.running_mean != [0.0, 0.0]
    expected = [[(v - m) / (s + 1e-5) ** 0.5 for v, m, s in zip(row, norm.running_mean, norm.running_var)]
                for row in x]
    assert sum(evaluate(model, x), []) == pytest.approx(sum(expected, []))
    assert evaluate(model, x[:1])[0] == pytest.approx(expected[0])  # one row: no batch statistics needed


@pytest.fixture
def spied(monkeypatch):
    """Every network the trainer builds ends with a Spy; -> the list of (mode, rows) it saw."""
    seen, build = [], training.build_layers

    def with_spy(*args, **kwargs):
        model, layers = build(*args, **kwargs)
        model.layers.append(Spy(seen))
        return model, layers

    monkeypatch.setattr(training, "build_layers", with_spy)
    return seen


def test_the_trainer_steps_in_training_mode_and_measures_in_evaluation_mode(spied, tmp_path):
    config = tiny(epochs=2)
    quiet_train(config, tmp_path / "run")
    batch = config["batch_size"]
    assert {rows for mode, rows in spied if mode} <= set(range(1, batch + 1)), "a training forward saw a whole block"
    assert any(mode for mode, _ in spied) and any(not mode for mode, _ in spied)
    assert all(rows > batch for mode, rows in spied if not mode), "an evaluation forward saw only a batch"


def test_predictions_are_made_in_evaluation_mode(monkeypatch, tmp_path):
    quiet_train(tiny(epochs=1), tmp_path / "run")
    seen, load = [], predict.load_model

    def with_spy(path):
        model, record = load(path)
        model.layers.append(Spy(seen))
        return model, record

    monkeypatch.setattr(predict, "load_model", with_spy)
    from reference.trainer.bike_sharing import HOUR_CSV
    predict.predict(str(tmp_path / "run" / "model.json"), HOUR_CSV)
    assert seen and all(mode is False for mode, _ in seen)


def test_the_baseline_check_trains_in_training_mode_and_scores_held_out_data_in_evaluation_mode():
    seen = []
    component = dataclasses.replace(COMPONENTS["dropout"], model=lambda impl: (
        reference.Sequential([reference.Dense(5, 1), Spy(seen)]), reference.MSE()))
    baseline.run(component, epochs=1)
    (x_train, _), (x_test, _) = baseline.bike_data()
    assert {rows for mode, rows in seen if mode} <= set(range(1, baseline.BATCH + 1))
    assert [rows for mode, rows in seen if not mode] == [len(x_test)] * baseline.AVERAGED


def test_a_training_components_baseline_model_passes_its_mode_to_the_network_it_steps():
    """The baseline evaluates a Stepping model with training = False: the network inside must see it."""
    from checks.models import Stepping
    model = Stepping(reference.Sequential([reference.Dropout(0.5, seed=3)]), reference.SGD(0.1))
    x = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    model.training = False
    assert model.forward(x) == x
    model.training = True
    assert model.forward(x) != x
