"""The baseline's verdict does not hang on its shuffling seed: stratified batches and averaged held-out predictions."""
import pytest

from checks import baseline
from checks.components import COMPONENTS
from tests import planted


def test_every_batch_takes_one_row_of_each_stratum_of_the_targets():
    t = [[float(v)] for v in range(200, 0, -1)]  # ranked backwards, so ranking by target is exercised
    groups = baseline.strata(t, baseline.sample(t))
    assert len(groups) == baseline.BATCH and len({len(g) for g in groups}) == 1
    assert all(max(t[i] for i in low) <= min(t[i] for i in high) for low, high in zip(groups, groups[1:]))
    assert set().union(*groups) <= set(range(0, 200, baseline.STRIDE))


def test_targets_that_cannot_be_ranked_keep_their_order():
    t = [object() for _ in range(64)]
    assert baseline.strata(t, list(range(64)))[0] == [0, 1]


def test_the_predictions_scored_are_the_mean_of_those_at_the_averaged_points():
    assert baseline.mean_of([[[1.0, 2.0]], [[3.0, 6.0]]]) == [[2.0, 4.0]]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_reference_dense_beats_the_mean_whatever_the_seed_and_a_sign_flip_does_not(monkeypatch, seed):
    """At seeds 1 and 2 the reference Dense failed a baseline of plain shuffled batches scored at the last step."""
    monkeypatch.setattr(baseline, "SEED", seed)
    assert baseline.run(COMPONENTS["dense"]).passed
    assert not baseline.run(COMPONENTS["dense"], planted.DenseSignFlip).passed
