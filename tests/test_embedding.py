"""Embedding (specs/embedding.md) and the gradient checker on integer inputs (specs/protocol.md, "Integer inputs").

The layer looks rows up and adds dy into them; the checker compares dW alone and never hands the layer a
perturbed or out-of-range id; the diagnoses name the classic mistakes; the HOURS baseline beats the mean.
"""
import random

import pytest

import reference
from checks import baseline, nested
from checks.components import COMPONENTS
from checks.families.recurrence import embedding_draw, id_point
from checks.gradcheck import check_layer
from checks.gradcheck.subjects import earlier_point, integer_ids
from checks.grading.draws import SIZES, Sizes
from checks.kinds import HOURS
from checks.suite import gradient_reports
from reference.embedding import Embedding
from tests import planted_recurrence as planted

W = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]


def table():
    layer = Embedding(4, 2)
    layer.params["W"] = [list(row) for row in W]
    return layer


def test_ids_of_rank_one_and_two_give_rows_of_w():
    layer = table()
    assert layer.forward([3, 0, 3]) == [W[3], W[0], W[3]]
    assert layer.forward([[1, 2], [2, 2]]) == [[W[1], W[2]], [W[2], W[2]]]


def test_the_rows_are_copies_so_editing_y_leaves_w_alone():
    layer = table()
    y = layer.forward([1])
    y[0][0] = 99.0
    assert layer.params["W"][1] == [2.0, 3.0]


def test_dw_adds_the_dy_of_repeated_ids_and_dx_is_zeros_of_the_ids_shape():
    layer = table()
    layer.forward([[1, 1], [3, 1]])
    dx = layer.backward([[[1.0, 2.0], [0.5, 0.5]], [[-1.0, 4.0], [2.0, -3.0]]])
    assert dx == [[0.0, 0.0], [0.0, 0.0]]
    assert layer.grads["W"] == [[0.0, 0.0], [3.5, -0.5], [0.0, 0.0], [-1.0, 4.0]]


def test_backward_twice_overwrites_dw():
    layer = table()
    layer.forward([2, 2])
    first = layer.backward([[1.0, 1.0], [1.0, 1.0]])
    assert layer.backward([[1.0, 1.0], [1.0, 1.0]]) == first and layer.grads["W"][2] == [2.0, 2.0]


def test_the_seed_draws_w_from_a_standard_normal_row_by_row():
    rng = random.Random(7)
    assert Embedding(3, 2, seed=7).params["W"] == [[rng.gauss(0.0, 1.0) for _ in range(2)] for _ in range(3)]
    assert Embedding(3, 2, seed=7).params["W"] != Embedding(3, 2, seed=8).params["W"]


@pytest.mark.parametrize("ids, shown, where", [([[0, 4]], "4", "ids[0][1]"), ([-1], "-1", "ids[0]"),
                                               ([1.0], "1.0", "ids[0]"), ([[True]], "True", "ids[0][0]")])
def test_a_bad_id_is_refused_in_one_line_naming_the_rule_and_the_position(ids, shown, where):
    with pytest.raises(ValueError) as error:
        table().forward(ids)
    assert str(error.value) == (f"Embedding: every id must be an integer in [0, n_vocab) = [0, 4), got {shown} at "
                                f"{where}")


def test_ids_are_recognised_as_ints_only():
    assert integer_ids([[1, 2], [0, 3]]) and integer_ids([4])
    assert not integer_ids([[1.0, 2]]) and not integer_ids([True, 1]) and not integer_ids([])


def test_the_earlier_point_of_ids_is_the_same_ids_reversed_and_of_floats_unchanged():
    assert earlier_point([[1, 2, 3], [4, 0, 0]]) == [[0, 0, 4], [3, 2, 1]]
    assert earlier_point([[1.0, -1.0]]) == [[0.25, 1.25]]


class Watched(Embedding):
    """An Embedding that records every input forward is given."""

    def __init__(self, *args):
        super().__init__(*args)
        self.seen = []

    def forward(self, ids):
        self.seen.append(nested.copy(ids))
        return super().forward(ids)


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_the_checker_compares_dw_alone_and_never_perturbs_the_ids(fast):
    layer = Watched(5, 3)
    ids = id_point(random.Random(0))
    report = check_layer(layer, ids, "embedding", fast=fast)
    assert report.passed, report.message()
    assert report.mode == "fast" if fast else [b.name for b in report.blocks] == ["dW"]
    assert not report.findings
    assert len(layer.seen) > 10 and all(integer_ids(x) and all(0 <= v < 5 for v in nested.flatten(x))
                                        for x in layer.seen)


def test_ids_of_rank_one_are_checked_too():
    report = check_layer(Embedding(6, 2), [5, 0, 5, 3], "embedding")
    assert report.passed and [b.name for b in report.blocks] == ["dW"], report.message()


def test_float_inputs_keep_their_dx_block():
    report = check_layer(reference.Dense(3, 2), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dense")
    assert [b.name for b in report.blocks] == ["dx", "dW", "db"]


def test_the_reference_passes_at_every_check_point():
    reports = gradient_reports(COMPONENTS["embedding"])
    assert len(reports) == 3 and all(r.passed for r in reports), [r.message() for r in reports]


@pytest.mark.parametrize("bug, words", [
    (planted.EmbeddingOverwritesRepeats, "dy kept only at the last position of each id"),
    (planted.EmbeddingGradientToNextRow, "another id (id + 1)"),
    (planted.EmbeddingTransposedGradient, "the transpose of (5, 3)"),
], ids=lambda v: getattr(v, "__name__", "words"))
def test_each_planted_gradient_bug_is_named_in_words_a_learner_reads(bug, words):
    for report in gradient_reports(COMPONENTS["embedding"], bug):
        assert report.diagnosis == bug.diagnosis and words in report.message(), report.message()


class FirstWins(Embedding):
    """dW[v] set at the first position of id v only (a loop that skips ids it has seen)."""

    def backward(self, dy):
        dx = super().backward(dy)
        dW, seen = [[0.0] * len(row) for row in self.params["W"]], set()
        for v, g in planted.positions(self.ids, dy):
            if v not in seen:
                dW[v], seen = list(g), seen | {v}
        self.grads["W"] = dW
        return dx


class PreviousRow(Embedding):
    """dy added to the row of id - 1."""

    def backward(self, dy):
        dx = super().backward(dy)
        dW = [[0.0] * len(row) for row in self.params["W"]]
        for v, g in planted.positions(self.ids, dy):
            dW[v - 1] = [a + b for a, b in zip(dW[v - 1], g)]
        self.grads["W"] = dW
        return dx


def test_the_first_position_kept_and_the_previous_row_are_named_too():
    first = check_layer(FirstWins(5, 3), id_point(random.Random(1)), "embedding")
    assert first.diagnosis == "overwritten-repeats" and "the first position of each id" in first.evidence
    previous = check_layer(PreviousRow(5, 3), id_point(random.Random(1)), "embedding")
    assert previous.diagnosis == "wrong-row" and "(id - 1)" in previous.evidence, previous.evidence


def test_ids_without_repeats_cannot_be_called_overwritten():
    report = check_layer(planted.EmbeddingOverwritesRepeats(5, 3), [[0, 1], [2, 3]], "embedding")
    assert report.passed  # every id once: = and += agree, and nothing can tell them apart


def test_a_grading_draws_non_square_tables_on_ids_where_some_id_repeats():
    for seed in range(20):
        build, points, _, _, described = embedding_draw(COMPONENTS["embedding"], Sizes(random.Random(seed), SIZES,
                                                                                        SIZES))
        layer, ids = build(Embedding), points(random.Random(seed))
        v, dim = len(layer.params["W"]), len(layer.params["W"][0])
        flat = nested.flatten(ids)
        assert v != dim and len(ids) != len(ids[0]) and len(set(flat)) < len(flat) and max(flat) < v, described


def test_the_hours_task_holds_hour_ids_in_time_order_split_80_20():
    (ids, y), (ids_test, y_test) = baseline.TASKS[HOURS].data()
    assert set(ids) == set(range(24)) and all(type(v) is int for v in ids + ids_test)
    assert ids[:3] == [0, 1, 2] and abs(len(ids) / (len(ids) + len(ids_test)) - 0.8) < 1e-3
    assert len(y) == len(ids) and len(y_test) == len(ids_test)
    assert "the hour of the day as an id in [0, 23]" in baseline.data_summary(HOURS)


def test_the_hours_baseline_beats_the_mean():
    """Measured: held-out MSE 0.0290 against the mean's 0.0541 (54%): the hour of the day alone explains about half."""
    result = baseline.run(COMPONENTS["embedding"])
    assert result.passed and result.model_score < 0.6 * result.baseline_score, result


@pytest.mark.parametrize("seed", [0, 3])
def test_the_table_is_drawn_row_by_row_from_a_standard_normal_of_its_seed(seed):
    """specs/embedding.md: W[v][k] ~ N(0, 1) from random.Random(seed), row by row; seed 0 by default."""
    rng = random.Random(seed)
    expected = [[rng.gauss(0.0, 1.0) for _ in range(3)] for _ in range(5)]
    layer = reference.Embedding(5, 3, seed) if seed else reference.Embedding(5, 3)
    assert layer.params["W"] == expected
