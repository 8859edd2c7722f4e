"""RNN (specs/rnn.md): BPTT checked in full, dh0 checked by the gradient checker, its mistakes named, its state."""
import doctest
import random
import time

import pytest

import reference
from checks import nested, state
from checks.components import COMPONENTS
from checks.gradcheck import check_layer
from checks.gradcheck import recurrence_diagnosis
from checks.properties import run, suite
from checks.state import StateAsParams
from tests import planted_recurrence as planted

X = nested.gaussian(random.Random(3), (3, 4, 3))  # N = 3 sequences, T = 4 steps, D = 3 features; H = 4 below


def test_the_state_wrapper_keeps_its_example():
    result = doctest.testmod(state)
    assert result.attempted > 0 and result.failed == 0


def test_a_full_gradient_check_at_teaching_size_passes_in_well_under_a_second():
    start = time.perf_counter()
    report = check_layer(reference.RNN(3, 4), X, "rnn")
    seconds = time.perf_counter() - start
    assert report.passed, report.message()
    assert {b.name: b.shape for b in report.blocks} == {"dx": (3, 4, 3), "dWx": (3, 4), "dWh": (4, 4), "db": (4,)}
    assert seconds < 1.0, seconds


def test_dh0_is_checked_by_the_gradient_checker_as_a_parameter_would_be():
    h0 = nested.gaussian(random.Random(4), (3, 4), 0.5)
    report = check_layer(StateAsParams(reference.RNN(3, 4), {"h0": h0}), X, "rnn")
    assert report.passed, report.message()
    assert [b.name for b in report.blocks] == ["dx", "dWx", "dWh", "db", "dh0"]
    wrong = check_layer(StateAsParams(planted.RNNDh0OfTheFirstState(3, 4), {"h0": h0}), X, "rnn")
    assert not wrong.passed and [b.name for b in wrong.blocks if not b.passed] == ["dh0"], wrong.message()
    assert "\n  dh0: 12 of 12 entries disagree" in wrong.message() and wrong.diagnosis == "state-off-by-one"
    assert wrong.evidence.startswith("dh0 equals dL/dh_0, the gradient of the state step 0 wrote")


def test_with_a_nonzero_h0_the_mistakes_are_named_too():
    h0 = nested.gaussian(random.Random(5), (3, 4), 0.5)
    for bug in (planted.RNNGradientNotCarried, planted.RNNAssignsDWx, planted.RNNWritesStateForRead):
        report = check_layer(StateAsParams(bug(3, 4), {"h0": h0}), X, "rnn")
        assert report.diagnosis == bug.diagnosis, report.message()


@pytest.mark.parametrize("bug, words", [
    (planted.RNNGradientNotCarried, "dx equals the gradient with dh_t = dy_t at every step, in all 36 entries"),
    (planted.RNNAssignsDWx, "dWx equals the share of step 0 alone (of 4, the last one a loop backward in time writes)"),
    (planted.RNNWritesStateForRead, "dWh equals sum_t h_t^T . da_t in all 16 entries"),
], ids=lambda v: getattr(v, "__name__", "words"))
def test_each_mistake_of_bptt_is_named_in_one_sentence(bug, words):
    report = check_layer(bug(3, 4), X, "rnn")
    assert report.diagnosis == bug.diagnosis and words in report.evidence, report.message()
    assert f"Diagnosis: {bug.diagnosis}." in report.message()


class AssignsDb(reference.RNN):
    """db = sum_n da_t at each step: = where += belongs, for the bias this time."""

    def step_backward(self, t, dh):
        result = super().step_backward(t, dh)
        da = planted.tanh_slope(dh, self.h[t + 1])
        self.grads["b"] = [sum(column) for column in zip(*da)]
        return result


def test_a_bias_assigned_per_step_is_not_summed_over_time_either():
    report = check_layer(AssignsDb(3, 4), X, "rnn")
    assert report.diagnosis == "not-summed-over-time" and report.evidence.startswith("db equals the share of step 0")


def test_the_recurrence_hypotheses_leave_other_layers_alone():
    report = check_layer(reference.Dense(3, 4), [[1.0, 2.0, 3.0]], "dense")
    subject = type("S", (), {"layer": reference.Dense(3, 4), "x": [[1.0, 2.0, 3.0]], "y": [[0.0] * 4], "dy": [[1.0] * 4]})
    assert report.passed and recurrence_diagnosis.elman(subject) is None
    assert recurrence_diagnosis.sequence_selection(subject) is None


def test_a_correct_layer_passes_every_property():
    for prop in suite("rnn"):
        outcome = run(prop, COMPONENTS["rnn"].subject())
        assert outcome.passed, f"{prop.__name__}: {outcome.message}"


def test_the_weights_are_drawn_in_the_spec_s_order():
    rng, k = random.Random(7), 1.0 / 3 ** 0.5
    wanted = [rng.uniform(-k, k) for _ in range(2 * 3 + 3 * 3 + 3)]
    layer = reference.RNN(2, 3, seed=7)
    assert nested.flatten(layer.params["Wx"]) + nested.flatten(layer.params["Wh"]) + layer.params["b"] == wanted
    assert reference.RNN(2, 3).params == reference.RNN(2, 3, seed=0).params != reference.RNN(2, 3, seed=1).params


@pytest.mark.parametrize("x, h0, message", [
    ([[1.0, 2.0]], None, "RNN: x must be a batch of sequences of shape (N, T, D) with N, T >= 1 and D = n_in = 2"),
    ([[[1.0, 2.0, 3.0]]], None, "D = n_in = 2"),
    ([[[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]]], None, "every sequence of the same length T"),
    ([[[1.0, 2.0]]], [[0.0, 0.0]], "RNN: h0 must have shape (N, H) = (1, 3), one row per sequence"),
])
def test_bad_shapes_are_refused_in_one_line_naming_the_rule(x, h0, message):
    with pytest.raises(ValueError) as raised:
        reference.RNN(2, 3).forward(x, h0)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_truncated_bptt_is_the_full_gradient_of_the_last_k_steps_from_a_constant_state():
    """The recipe of specs/rnn.md: forward the first T - k steps, then the last k from their state, backward."""
    rng, k = random.Random(8), 2
    dy = nested.gaussian(rng, (3, 4, 4))
    dy_last = [s[-k:] for s in dy]
    layer = reference.RNN(3, 4, seed=1)
    state = [s[-1] for s in layer.forward([s[:-k] for s in X])]
    layer.forward([s[-k:] for s in X], h0=state)
    dx_last = layer.backward(dy_last)
    truncated = {name: nested.copy(g) for name, g in layer.grads.items()}
    full = reference.RNN(3, 4, seed=1)
    full.forward(X)
    dx = full.backward([[[0.0] * 4] * (4 - k) + s for s in dy_last])  # the loss reads the last k steps only
    assert dx_last == [s[-k:] for s in dx]
    assert truncated != {name: nested.copy(g) for name, g in full.grads.items()}  # the first T - k steps' shares dropped
    whole = reference.RNN(3, 4, seed=1)  # k = T is the full BPTT
    whole.forward(X, h0=None)
    assert whole.backward(dy) == full.backward(dy)


@pytest.mark.parametrize("make, states", [(lambda: reference.RNN(2, 3), ("dh0",)),
                                          (lambda: reference.GRU(2, 3), ("dh0",)),
                                          (lambda: reference.LSTM(2, 3), ("c_last", "dh0", "dc0"))])
def test_the_states_a_layer_reports_are_none_until_it_has_run(make, states):
    """specs/rnn.md, gru.md, lstm.md: dh0 (and dc0) None before the first backward, c_last before the first forward."""
    layer = make()
    assert [getattr(layer, name) for name in states] == [None] * len(states)
    layer.forward([[[1.0, -1.0]]])
    layer.backward([[[1.0, 0.5, -0.5]]])
    assert all(getattr(layer, name) is not None for name in states)
