"""LSTM: the spec's claims beyond the property suite (specs/lstm.md), and the full gradient check at teaching size."""
import math
import random

import pytest

from checks.gradcheck import check_layer
from reference import LSTM
from reference.lstm import gate_values
from tests.planted_recurrence import LSTMInCS231nOrder, reordered

TEACHING = {"n": 3, "t": 6, "d": 5, "h": 4}  # the size of the course's exercise: N = 3 sequences of T = 6 steps


def sequences(rng, n, t, d):
    return [[[rng.gauss(0.0, 1.5) for _ in range(d)] for _ in range(t)] for _ in range(n)]


def test_a_full_gradient_check_at_teaching_size_passes():
    size = TEACHING
    x = sequences(random.Random(0), size["n"], size["t"], size["d"])
    report = check_layer(LSTM(size["d"], size["h"]), x, "lstm")
    assert report.passed, report.message()
    assert [b.name for b in report.blocks] == ["dx", "dWx", "dWh", "db"]
    assert sum(len(b.entries) for b in report.blocks) == 3 * 6 * 5 + 5 * 16 + 4 * 16 + 16


def test_cs231n_weights_converted_by_swapping_blocks_3_and_4_give_the_same_outputs():
    """specs/lstm.md, "Departures": a layer reading i, f, o, g computes with swapped blocks what ours computes."""
    x = sequences(random.Random(1), 2, 3, 3)
    theirs = LSTMInCS231nOrder(3, 2, seed=5)
    ours = LSTM(3, 2)
    ours.params = {name: reordered(p, (0, 1, 3, 2), 2) for name, p in theirs.params.items()}
    assert ours.forward(x) == theirs.forward(x)
    assert ours.c_last == theirs.c_last


def test_h0_and_c0_continue_a_run_and_none_means_zeros():
    x = sequences(random.Random(2), 2, 4, 3)
    layer = LSTM(3, 2, seed=1)
    whole = layer.forward(x)
    zeros = [[0.0, 0.0], [0.0, 0.0]]
    assert layer.forward(x, zeros, zeros) == whole
    first = layer.forward([s[:2] for s in x])
    rest = layer.forward([s[2:] for s in x], [s[-1] for s in first], layer.c_last)
    joined = [a + b for a, b in zip(first, rest)]
    assert all(abs(u - v) < 1e-12 for s, w in zip(joined, whole) for r, q in zip(s, w) for u, v in zip(r, q))


@pytest.mark.parametrize("x, h0, c0, message", [
    ([[1.0, 2.0, 3.0]], None, None, "LSTM: x must be a batch of sequences of shape (N, T, D)"),
    ([[[1.0, 2.0]]], None, None, "D = n_in = 3"),
    ([[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]], None, None, "every sequence of the same length T"),
    ([[[1.0, 2.0, 3.0]]], [[0.0]], None, "LSTM: h0 must have shape (N, H) = (1, 2)"),
    ([[[1.0, 2.0, 3.0]]], None, [[0.0, 0.0], [0.0, 0.0]], "LSTM: c0 must have shape (N, H) = (1, 2)"),
])
def test_bad_shapes_are_refused_in_one_line_naming_the_rule(x, h0, c0, message):
    with pytest.raises(ValueError) as error:
        LSTM(3, 2).forward(x, h0, c0)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_four_gates_are_the_four_blocks_of_a_in_the_order_i_f_g_o():
    a = [[-1.0, 0.0, 1.0, 2.0, -2.0, 3.0, 0.5, -0.5]]  # N = 1, H = 2: the blocks i, f, g, o hold two entries each
    i, f, g, o = gate_values(a, 2)
    assert [i, f, o] == [[[pytest.approx(1 / (1 + math.exp(-v))) for v in block]] for block in ([-1.0, 0.0], [1.0, 2.0],
                                                                                                  [0.5, -0.5])]
    assert g == [[pytest.approx(math.tanh(-2.0)), pytest.approx(math.tanh(3.0))]]


def test_the_same_seed_draws_the_same_weights_within_pytorch_s_range():
    a, b, other = LSTM(5, 4, seed=3), LSTM(5, 4, seed=3), LSTM(5, 4, seed=4)
    assert a.params == b.params and a.params != other.params
    assert all(abs(v) <= 0.5 for p in a.params.values() for v in (p if not isinstance(p[0], list) else sum(p, [])))


def test_lstm_then_last_step_then_dense_beats_the_mean_on_the_bike_sequences():
    from checks import baseline
    from checks.components import COMPONENTS
    result = baseline.run(COMPONENTS["lstm"])
    assert result.passed and result.model_score <= baseline.MARGIN * result.baseline_score, result
