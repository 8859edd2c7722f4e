"""The diagnoses of the mistakes learners make: each gallery bug gets its code and a sentence to act on.

No code misleads: over every planted bug and every gallery bug, at every
check point, each block the checker diagnoses gets exactly the code the bug
was written to have, and no other block gets one. A factor is named in the
spec's symbols only when two shapes agree.
"""
from fractions import Fraction
from types import SimpleNamespace

import pytest

import reference
from checks.gradcheck import factors, formulas
from checks.components import COMPONENTS
from checks.gradcheck import check_layer, check_loss
from checks.suite import gradient_reports
from tests import planted
from tests.diagnosis_gallery import GALLERY, DenseAccumulatesAndFlipsDx

NEW_CODES = {"ignores-upstream", "wrong-input", "diagonal-only", "wrong-formula", "scale", "unknown"}


def expected_blocks(bug):
    """{block: code} a report of bug must diagnose: its block (unless a protocol finding) and its also."""
    own = {} if bug.block in ("protocol", "forward") else {bug.block: bug.diagnosis}
    return {**own, **getattr(bug, "also", {})}


@pytest.mark.parametrize("bug", GALLERY, ids=lambda c: c.__name__)
def test_every_gallery_bug_gets_its_code_and_a_sentence_to_act_on(bug):
    reports = gradient_reports(COMPONENTS[bug.component], bug)
    failing = [r for r in reports if not r.passed]
    assert failing, f"{bug.__name__} passed at every point"
    for report in failing:
        message = report.message()
        assert report.diagnosis == bug.diagnosis, message
        assert bug.words in message, message
        assert f"  Diagnosis: {bug.diagnosis}." in message


@pytest.mark.parametrize("bug", planted.GRADIENT_BUGS + planted.PROTOCOL_BUGS + GALLERY, ids=lambda c: c.__name__)
def test_a_reported_code_always_holds(bug):
    for report in gradient_reports(COMPONENTS[bug.component], bug):
        if report.passed:
            continue
        diagnosed = {b.name: b.diagnosis for b in report.blocks if b.diagnosis}
        assert diagnosed == expected_blocks(bug), report.message()


def test_the_gallery_has_every_new_kind_of_mistake_for_every_component_where_it_can_occur():
    kinds = {(bug.component, bug.diagnosis) for bug in GALLERY}
    for component in ("relu", "leaky_relu", "sigmoid", "tanh", "identity", "dense", "neuron"):
        assert (component, "ignores-upstream") in kinds, component
    for component in ("relu", "leaky_relu", "sigmoid", "tanh"):
        assert (component, "wrong-input") in kinds, component
    assert ("softmax", "diagonal-only") in kinds
    assert {("sigmoid", "wrong-formula"), ("tanh", "wrong-formula")} <= kinds
    for component in ("mse", "binary_cross_entropy", "softmax_cross_entropy", "dense", "neuron", "sigmoid"):
        assert (component, "scale") in kinds, component
    assert {bug.diagnosis for bug in GALLERY} >= NEW_CODES
    assert {bug.diagnosis for bug in GALLERY if hasattr(bug, "also")} == {"accumulates", "mutates-input",
                                                                          "nondeterministic"}


Y_PRED, Y_TRUE = [[0.3, -1.2], [0.5, 2.0], [1.1, 0.2], [-0.4, 0.9]], [[0.0, 1.0], [1.0, 1.5], [0.5, 0.5], [0.1, 0.2]]


def test_an_mse_missing_two_over_n_m_is_not_explained_as_not_divided_by_n():
    """At N = 4, M = 2 the missing factor 2/(N M) equals 1/N: only the second shape tells them apart."""
    report = check_loss(MissingTwoOverNM(), Y_PRED, Y_TRUE, "mse")
    assert report.diagnosis == "scale"
    assert "equals 4 times the numeric gradient" in report.evidence
    assert "c = N M/2: the factor 2/(N M) of the spec's formula is missing" in report.evidence, report.evidence
    assert "tested at N = 4, M = 2 and at N = 5, M = 3" in report.evidence
    assert "not divided by N" not in report.evidence


class MissingTwoOverNM(reference.MSE):
    def backward(self):
        return [list(row) for row in self.residual]


def fake(rows, width, second=None, free=True):
    return SimpleNamespace(rows=rows, width=width, width_free=free, reshaped=lambda: second)


def test_a_factor_the_second_shape_contradicts_is_never_named():
    second = fake(5, 3)
    words = factors.name(4.0, fake(4, 2, second), lambda s: 7.0)
    assert words == "the factor changes with the shape, 7 at N = 5, M = 3"
    assert factors.name(4.0, fake(4, 2, second), lambda s: 5.0).startswith("c = N, the 4 rows")  # N fits both


def test_without_a_second_shape_coinciding_factors_are_listed_not_chosen():
    words = factors.name(4.0, fake(4, 2, None), lambda s: None)
    assert words.startswith("c could be ") and "N M/2" in words and " N " in words + " "
    assert "no second shape tells which" in words


def test_without_a_batch_only_constants_are_candidates():
    assert factors.name(0.5, fake(None, None, None, free=False), lambda s: None).startswith("a factor 2 is missing")
    assert factors.name(3.0, fake(None, None, None, free=False), lambda s: None) == "a constant factor is wrong"


def test_a_fixed_width_is_a_constant_not_a_symbol():
    names = {f.symbol() for f in factors.candidates(4, 2, width_free=False)}
    assert "1/N" in names and not any("M" in n for n in names)
    assert {f.symbol() for f in factors.candidates(4, 2, width_free=True)} >= {"N M/2", "2/(N M)", "1/M"}


def test_factor_symbols_read_as_in_a_spec():
    assert [factors.Factor(Fraction(k), a, b).symbol() for k, a, b in
            [(2, -1, -1), (Fraction(1, 2), 1, 1), (1, -1, 0), (2, 0, 1), (1, 1, 1)]] == \
        ["2/(N M)", "N M/2", "1/N", "2 M", "N M"]


def test_formulas_are_written_out_in_the_spec_symbols():
    def written(with_dy, alone=()):
        """dx for the coefficients of dy y^k and of y^k, k = 0, 1, ..."""
        padded = list(with_dy) + [0] * (formulas.DY_POWERS - len(with_dy)) + \
            list(alone) + [0] * (formulas.FREE_POWERS - len(alone))
        return formulas.formula([Fraction(c) for c in padded], "y")

    assert written([1, -1]) == "dy (1 - y)"
    assert written([0, 1], [0, -1]) == "dy y - y"
    assert written([1], [0, 0, -1]) == "dy - y^2"
    assert written([0, 2]) == "2 dy y"
    assert written([-1]) == "-dy"
    assert written([1, 0, -2, 0, 1]) == "dy (1 - 2 y^2 + y^4)"


def test_a_second_independent_mistake_is_listed_beside_a_protocol_finding():
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 1.1]]
    message = check_layer(DenseAccumulatesAndFlipsDx(3, 2), x, "dense").message()
    assert "  Diagnosis: accumulates." in message
    assert "  Also dx: sign-flip. dx equals minus the numeric gradient in all 9 entries" in message


def test_a_second_wrong_block_is_listed_too():
    class SignFlipAndBiasMean(planted.DenseSignFlip):
        def backward(self, dy):
            dx = super().backward(dy)
            self.grads["b"] = [g / len(dy) for g in self.grads["b"]]
            return dx

    report = check_layer(SignFlipAndBiasMean(3, 2), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dense")
    assert report.diagnosis == "sign-flip"
    assert "  Also db: scale. db equals 1/2 times the numeric gradient" in report.message()


def test_wrong_only_in_one_row_is_the_closest_description():
    class RowOff(reference.Dense):
        def backward(self, dy):
            dx = super().backward(dy)
            self.grads["W"][1] = [g + 0.5 for g in self.grads["W"][1]]
            return dx

    report = check_layer(RowOff(3, 2), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dense")
    assert report.diagnosis == "unknown"
    assert "closest description: dW is wrong only in row 1, and right in every other row" in report.evidence


def test_a_scrambled_gradient_gets_the_range_of_its_ratios():
    class Noise(reference.Dense):
        def backward(self, dy):
            dx = super().backward(dy)
            self.grads["W"] = [[(i + 1) * (j - 2.5) for j in range(len(row))] for i, row in enumerate(self.grads["W"])]
            return dx

    report = check_layer(Noise(3, 2), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dense")
    assert report.diagnosis == "unknown"
    assert "closest description: analytic / numeric ranges from " in report.evidence
