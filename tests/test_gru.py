"""GRU: the spec's claims beyond the property suite (specs/gru.md)."""
import random

import pytest

from reference import GRU
from tests.planted_recurrence import GRUUpdateGateSwapped, negated


def sequences(rng, n, t, d):
    return [[[rng.gauss(0.0, 1.5) for _ in range(d)] for _ in range(t)] for _ in range(n)]


def test_the_other_z_convention_converts_by_negating_the_z_blocks():
    """specs/gru.md, "Departures": h = z n + (1 - z) h_prev with the z blocks negated is our layer."""
    x = sequences(random.Random(1), 2, 3, 3)
    theirs = GRUUpdateGateSwapped(3, 2, seed=5)
    ours = GRU(3, 2)
    ours.params = {name: negated(p, 1, 2) for name, p in theirs.params.items()}
    assert ours.forward(x) == theirs.forward(x)


def test_the_two_biases_differ_only_in_the_n_block():
    """In the r and z blocks only bx + bh matters: moving a number from bh to bx there changes nothing."""
    x = sequences(random.Random(2), 2, 3, 3)
    layer = GRU(3, 2, seed=1)
    y = layer.forward(x)
    for j in range(4):  # the r and z blocks: columns 0 .. 2H - 1
        layer.params["bx"][j] += 0.25
        layer.params["bh"][j] -= 0.25
    assert all(abs(u - v) < 1e-12 for s, w in zip(layer.forward(x), y) for r, q in zip(s, w) for u, v in zip(r, q))
    layer.params["bx"][4] += 0.25  # the n block: bxn sits outside the reset, bhn inside
    layer.params["bh"][4] -= 0.25
    assert layer.forward(x) != y


def test_h0_continues_a_run():
    x = sequences(random.Random(3), 2, 4, 3)
    layer = GRU(3, 2, seed=1)
    whole = layer.forward(x)
    first = layer.forward([s[:2] for s in x])
    joined = [a + b for a, b in zip(first, layer.forward([s[2:] for s in x], [s[-1] for s in first]))]
    assert all(abs(u - v) < 1e-12 for s, w in zip(joined, whole) for r, q in zip(s, w) for u, v in zip(r, q))


@pytest.mark.parametrize("x, h0, message", [
    ([[1.0, 2.0, 3.0]], None, "GRU: x must be a batch of sequences of shape (N, T, D)"),
    ([[[1.0, 2.0, 3.0]]], [[0.0, 0.0, 0.0]], "GRU: h0 must have shape (N, H) = (1, 2)"),
])
def test_bad_shapes_are_refused_in_one_line_naming_the_rule(x, h0, message):
    with pytest.raises(ValueError) as error:
        GRU(3, 2).forward(x, h0)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_gru_then_last_step_then_dense_beats_the_mean_on_the_bike_sequences():
    from checks import baseline
    from checks.components import COMPONENTS
    result = baseline.run(COMPONENTS["gru"])
    assert result.passed and result.model_score <= baseline.MARGIN * result.baseline_score, result
