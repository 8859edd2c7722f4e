"""BatchNorm and LayerNorm: batches BatchNorm refuses, rows that depend on each other, and a gradient check that
compares the cross-row terms of the Jacobian (specs/batch_norm.md, specs/layer_norm.md, specs/protocol.md)."""
import pytest

import reference
from checks.components import COMPONENTS, normalization
from checks.gradcheck import check_layer
from tests import planted

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 1.1], [2.2, -1.7, 0.4]]


def test_training_needs_two_rows_and_evaluation_takes_one():
    layer = reference.BatchNorm(3)
    with pytest.raises(ValueError, match=r"N >= 2 rows .* got N = 1"):
        layer.forward([[1.0, 2.0, 3.0]])
    layer.training = False
    assert layer.forward([[1.0, 2.0, 3.0]])[0] == pytest.approx([1.0, 2.0, 3.0], rel=1e-4)


def test_batch_norm_declares_dependent_rows_and_layer_norm_does_not():
    assert reference.BatchNorm.rows_independent is False
    assert getattr(reference.LayerNorm, "rows_independent", True) is True


def test_the_checks_build_normalizations_with_gamma_and_beta_away_from_1_and_0():
    for name in ("batch_norm", "layer_norm"):
        layer = COMPONENTS[name].build(COMPONENTS[name].reference)
        assert all(g != 1.0 for g in layer.params["gamma"]) and all(b != 0.0 for b in layer.params["beta"])


def test_a_per_row_gradient_misses_the_cross_row_terms_and_fails():
    """dx of row n computed from dy of row n alone (as if the batch statistics were fixed): the check compares the
    whole vector-Jacobian product, so the missing cross-row terms fail it, in the full and in the fast check."""
    for fast in (False, True):
        report = check_layer(normalization(planted.BatchNormWithoutStatisticsPaths), X, "batch_norm", fast=fast)
        assert not report.passed and report.diagnosis == "statistics-paths", report.message()
        assert "batch mean and variance are missing" in report.message()


def test_a_missing_gamma_hides_behind_gamma_1_and_shows_otherwise():
    hidden = check_layer(planted.LayerNormMissingGamma(3), X, "layer_norm")
    assert hidden.passed
    shown = check_layer(normalization(planted.LayerNormMissingGamma), X, "layer_norm")
    assert shown.diagnosis == "missing-gamma" and "gamma is missing" in shown.message()


def test_the_statistics_paths_diagnosis_needs_three_entries_per_slice():
    """With two rows, a + b x fits any column: the diagnosis does not claim the batch statistics then."""
    report = check_layer(normalization(planted.BatchNormWithoutStatisticsPaths), X[:2], "batch_norm")
    assert not report.passed and report.diagnosis != "statistics-paths"
