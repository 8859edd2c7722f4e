"""The checker says what kind of wrong a gradient is, in a code and a sentence, as text and as JSON.

Every planted bug of tests/planted.py is caught at every check point with
its expected diagnosis; reports keep their text format and give JSON; fast
mode catches wrong gradients with fewer forward calls; check_function checks
a term on its own.
"""
import json
import math
import os
import random

import pytest

import reference
from checks import nested
from checks.gradcheck import fast
from checks.components import COMPONENTS, mlp
from checks.gradcheck.finite_differences import band
from checks.gradcheck import check_function, check_layer, check_loss
from checks.gradcheck.slopes import elementwise
from checks.suite import gradient_reports
from tests import planted
from tests.diagnosis_gallery import GALLERY

CODES = {"sign-flip", "scale", "transposed", "single-sample", "zero-gradient", "wrong-input", "accumulates",
         "stale-cache", "mutates-input", "shape", "nondeterministic", "unstable", "unknown", "ignores-upstream",
         "diagonal-only", "wrong-formula", "missing-gamma", "statistics-paths",
         "flipped-kernel", "stride-ignored", "padding-kept", "axes-swapped", "overwritten-overlap",
         "not-carried", "not-summed-over-time", "state-off-by-one", "every-step", "wrong-step", "overwritten-repeats", "wrong-row"}
CODES |= {"cell-tanh-slope", "cell-not-carried", "gate-order", "update-gate-swapped"}
BUGS = planted.GRADIENT_BUGS + planted.PROTOCOL_BUGS


@pytest.mark.parametrize("bug", BUGS, ids=lambda c: c.__name__)
def test_every_planted_bug_is_caught_with_its_diagnosis_at_every_point(bug):
    for report in gradient_reports(COMPONENTS[bug.component], bug):
        assert not report.passed, f"{bug.__name__} ({bug.__doc__}) passed"
        assert report.diagnosis == bug.diagnosis, report.message()
        assert report.evidence and "reread specs/" in report.evidence, report.evidence
        message = report.message()
        assert message.startswith(f"{bug.component}: gradient check failed.\n")
        assert f"\n  {bug.block}" in message, message
        assert f"  Diagnosis: {bug.diagnosis}." in message
        if bug in planted.GRADIENT_BUGS:
            block = next(b for b in report.blocks if b.name == bug.block)
            assert not block.passed and block.diagnosis == bug.diagnosis


def test_the_gallery_covers_every_code_and_every_kind_of_component():
    assert len(BUGS) >= 20
    assert {bug.diagnosis for bug in BUGS + GALLERY} == CODES
    kinds = {COMPONENTS[bug.component].kind for bug in BUGS}
    assert kinds == {"layer", "loss"}
    assert {"dense", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"} <= {bug.component for bug in BUGS}


X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 1.1], [2.2, -1.7, 0.4]]


def test_a_sign_flip_is_explained_in_one_sentence():
    report = check_layer(planted.DenseSignFlip(3, 2), X, "dense")
    assert report.diagnosis == "sign-flip"
    assert report.evidence == ("dW equals minus the numeric gradient in all 6 entries: a sign is flipped; "
                               "reread specs/dense.md, \"Partial derivatives\"")
    assert report.message().endswith(
        "  Diagnosis: sign-flip. dW equals minus the numeric gradient in all 6 entries: a sign is flipped.\n"
        "  Reread specs/dense.md, section \"Partial derivatives\".\n"
        f"  Calls: {report.calls['forward']} forward, {report.calls['backward']} backward.")


@pytest.mark.parametrize("bug, factor, words", [
    (planted.DenseBiasMean, "1/4", "c = 1/N for a batch of N = 4 rows"),
    (planted.MSEMissingTwo, "1/2", "a factor 2 is missing"),
    (planted.MSESumNotMean, "12", "c = N M = 12"),
    (planted.MSEOverRowsOnly, "3/2", "c = M/2"),
    (planted.SCENotAveraged, "4", "c = N, the 4 rows of the batch"),
    (planted.LeakyReLUHardCodedSlope, "1/10", "in the 8 entries that fail, and is right in the other 4"),
])
def test_a_scale_bug_reports_its_factor(bug, factor, words):
    report = gradient_reports(COMPONENTS[bug.component], bug)[0]
    assert report.diagnosis == "scale"
    assert f" {factor} times the numeric gradient" in report.evidence, report.evidence
    assert words in report.evidence, report.evidence


def test_a_sign_flipped_on_one_side_of_a_kink_is_a_sign_flip():
    class FlippedLeft(reference.LeakyReLU):
        def backward(self, dy):
            return [[g if v > 0 else -self.alpha * g for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]

    report = check_layer(FlippedLeft(0.1), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "leaky_relu")
    assert report.diagnosis == "sign-flip"
    assert report.evidence.startswith("dx equals minus the numeric gradient in the 2 entries that fail, and is right "
                                      "in the other 4")


def test_a_transposed_gradient_of_the_wrong_shape_is_transposed_not_shape():
    report = check_layer(planted.DenseTransposed(3, 2), X, "dense")
    dw = next(b for b in report.blocks if b.name == "dW")
    assert dw.problem == "shape (2, 3); it must have the shape (3, 2) of W"
    assert report.diagnosis == "transposed"
    assert "dW has shape (2, 3), the transpose of (3, 2)" in report.evidence


def test_a_square_transposed_gradient_is_found_by_its_values():
    report = check_layer(planted.DenseTransposedSquare(3, 3), X, "dense")
    assert report.diagnosis == "transposed" and "is square" in report.evidence


def test_a_wrong_shape_says_which_and_whether_the_values_are_right():
    report = check_layer(planted.DenseBiasKeepdims(3, 2), X, "dense")
    assert report.diagnosis == "shape"
    assert "db has shape (1, 2), but it must have the shape (2,) of b; its values are right" in report.evidence


def test_a_missing_gradient_is_a_shape_problem():
    class NoBiasGradient(reference.Dense):
        def backward(self, dy):
            dx = super().backward(dy)
            del self.grads["b"]
            return dx

    report = check_layer(NoBiasGradient(3, 2), X, "dense")
    assert report.diagnosis == "shape" and report.evidence.startswith("db is missing after backward")


def test_single_sample_names_the_row():
    report = check_layer(planted.DenseBiasNotSummed(3, 2), X, "dense")
    assert report.evidence.startswith("db equals the gradient of row 0 of the batch alone in all 2 entries")


def test_wrong_input_at_the_output_is_tested_at_every_entry():
    report = check_layer(reference.Sigmoid(), X, "sigmoid")
    assert report.passed
    report = check_layer(planted.SigmoidAtOutput(), X, "sigmoid")
    assert report.diagnosis == "wrong-input"
    assert "slope at its output y, f'(y), instead of at its input x, in all 12 entries" in report.evidence


def test_wrong_input_applies_the_output_form_beyond_the_range_of_the_layer():
    x = [[0.5, -0.25, 2.0], [0.9, -3.8, 0.1]]  # 1 - x^2 is tested at 2.0 and -3.8 too, outside (-1, 1)
    report = check_layer(planted.TanhAtInput(), x, "tanh")
    assert report.diagnosis == "wrong-input"
    assert "applied to the input, in all 6 entries" in report.evidence, report.evidence


class Arctan:
    """y = atan(x): its slope 1 / (1 + x^2) = cos(y)^2 is no polynomial in y, so only bisection can invert it."""

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[math.atan(v) for v in row] for row in x]

    def backward(self, dy):
        return [[g * math.cos(v) ** 2 for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]  # cos(y)^2 at x


def test_wrong_input_inside_the_range_of_any_increasing_layer():
    x = [[0.5, -0.25, 2.0], [0.9, -3.8, 0.1]]  # four entries inside (-pi/2, pi/2), the range of atan
    report = check_layer(Arctan(), x, "arctan")
    assert report.diagnosis == "wrong-input"
    assert "in the 4 entries where x lies in the layer's range" in report.evidence, report.evidence


def test_elementwise_layers_are_recognised_through_forward_alone():
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    for layer, expected in [(reference.ReLU(), True), (reference.Tanh(), True), (reference.LeakyReLU(0.1), True),
                            (reference.Softmax(), False), (reference.Dense(3, 3), False)]:
        assert elementwise(layer.forward, x, layer.forward(x)) is expected, type(layer).__name__


def test_protocol_findings_are_printed_as_protocol_lines():
    report = check_layer(planted.DenseAccumulates(3, 2), X, "dense")
    line = next(line for line in report.message().splitlines() if line.startswith("  protocol: "))
    assert "a third call added the same amount again" in line and "rule 1" in line
    assert report.message().count("a third call added") == 1  # the diagnosis line does not repeat it


def test_an_exception_is_a_problem_with_a_diagnosis():
    class Broken(reference.ReLU):
        def backward(self, dy):
            raise ZeroDivisionError("oops")

    report = check_layer(Broken(), [[1.0, -1.0]], "relu")
    assert report.problem == "ZeroDivisionError raised while checking: oops"
    assert report.diagnosis == "unknown" and "oops" in report.evidence


def test_nan_in_a_gradient_at_an_ordinary_input_is_unstable():
    class NaNGradient(reference.Tanh):
        def backward(self, dy):
            dx = super().backward(dy)
            dx[0][0] = math.nan
            return dx

    report = check_layer(NaNGradient(), X, "tanh")
    assert report.diagnosis == "unstable"


def test_a_passing_report_has_no_diagnosis_and_costs_no_diagnosis_calls():
    report = check_layer(reference.Dense(3, 2), X, "dense")
    assert report.passed and report.diagnosis is None and report.evidence == ""
    assert all(b.diagnosis is None for b in report.blocks)
    entries = 12 + 6 + 2
    assert report.calls == {"forward": 5 + 1 + 4 * entries, "backward": 5}


def test_the_message_summarises_every_block_with_its_band():
    message = check_layer(planted.DenseSignFlip(3, 2), X, "dense").message()
    lines = message.splitlines()
    assert lines[0] == "dense: gradient check failed."
    assert any(line.startswith("  dx: all 12 entries agree (relative error") and line.endswith("good)")
               for line in lines), message
    assert any(line.startswith("  dW: 6 of 6 entries disagree") and "probably wrong" in line for line in lines)
    assert lines[-1].startswith("  Calls: ")


def test_kink_entries_are_listed_as_accepted():
    message = check_layer(reference.ReLU(), [[0.0, 1.0], [-1.0, 0.0]], "relu").message()
    assert "2 kink entries" in message
    assert "  kink at dx[0][0]: analytic 0 lies between the one-sided difference quotients" in message
    assert "so it is accepted" in message


def test_the_json_report_has_the_diagnosis_blocks_and_worst_entries():
    report = check_layer(planted.DenseBiasMean(3, 2), X, "dense")
    data = json.loads(json.dumps(report.to_json(), allow_nan=False))
    assert data["passed"] is False and data["diagnosis"] == "scale" and data["evidence"] == report.evidence
    assert data["calls"] == report.calls and data["mode"] == "full"
    db = next(b for b in data["blocks"] if b["name"] == "db")
    assert db["failures"] == 2 and db["band"] == "probably wrong" and db["diagnosis"] == "scale"
    worst = db["worst"][0]
    assert set(worst) >= {"index", "analytic", "numeric", "error", "tolerance", "relative_error"}
    assert worst["error"] > worst["tolerance"]
    assert [b["band"] for b in data["blocks"] if b["name"] != "db"] == ["good", "good"]


def test_the_json_report_of_a_pass_and_of_a_problem():
    passed = check_layer(reference.ReLU(), [[0.0, 1.0], [-1.0, 2.0]], "relu").to_json()
    assert passed["passed"] is True and passed["diagnosis"] is None and passed["kinks"] == 1
    assert passed["blocks"][0]["kink_entries"][0]["index"] == [0, 0]
    problem = check_layer(planted.TanhFlatOutput(), X, "tanh").to_json()
    assert problem["diagnosis"] == "shape" and problem["problem"].startswith("forward should return 4 rows")
    json.dumps(problem, allow_nan=False)


@pytest.mark.parametrize("relative_error, expected", [
    (0.5, "probably wrong"), (1e-3, "uncomfortable"), (1e-5, "fine with kinks"), (1e-9, "good")])
def test_cs231n_bands(relative_error, expected):
    assert band(relative_error) == expected


def course_network():
    return mlp(reference.ReLU())


def course_batch():
    rng = random.Random(3)
    return [[rng.gauss(0.0, 1.0) for _ in range(5)] for _ in range(4)]


def test_a_full_check_of_the_course_network_costs_four_forwards_per_entry_and_a_few_more():
    """The cost of a check, counted in calls (times belong to make bench): four forwards per checked entry
    (theta +- h and +- h/2, checks/gradcheck/finite_differences.py), plus a few for the point itself and the probes."""
    network, x = course_network(), course_batch()
    report = check_layer(network, x, "sequential")
    entries = sum(len(nested.flatten(v)) for v in network.params.values()) + len(nested.flatten(x))
    assert report.passed, report.message()
    assert 4 * entries <= report.calls["forward"] <= 4 * entries + 10, (report.calls, entries)
    assert report.calls["backward"] <= 5, report.calls


def test_fast_mode_passes_with_fewer_forward_calls():
    full = check_layer(course_network(), course_batch(), "sequential")
    quick = check_layer(course_network(), course_batch(), "sequential", fast=True)
    assert quick.passed and quick.mode == "fast" and len(quick.projections) == fast.DIRECTIONS
    assert quick.calls["forward"] * 5 < full.calls["forward"]
    assert "along 4 random directions (fast mode" in quick.message()


class Scrambled(reference.Dense):
    """Every gradient is noise: a completely wrong backward."""

    def backward(self, dy):
        rng = random.Random(len(dy))
        self.grads = {"W": [[rng.gauss(0, 1) for _ in row] for row in self.params["W"]],
                      "b": [rng.gauss(0, 1) for _ in self.params["b"]]}
        return [[rng.gauss(0, 1) for _ in row] for row in self.x]


def test_fast_mode_catches_a_completely_wrong_gradient_and_falls_back_to_the_full_report():
    report = check_layer(Scrambled(3, 2), X, "dense", fast=True)
    assert not report.passed and report.mode == "fast, then full"
    assert all(not p.passed for p in report.projections)
    assert {b.name for b in report.blocks if not b.passed} == {"dx", "dW", "db"}
    assert report.diagnosis == "unknown"
    assert "  fast mode: 4 of 4 random directions disagree" in report.message()


class SoftmaxNoGradient(reference.Softmax):
    """backward returns zeros. Rows of softmax's true dx sum to 0, so an all-ones projection sees no error."""

    def backward(self, dy):
        return [[0.0] * len(row) for row in dy]


def test_signed_directions_see_what_all_positive_ones_miss(monkeypatch):
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    report = check_layer(SoftmaxNoGradient(), x, "softmax", fast=True)
    assert not report.passed and report.diagnosis == "zero-gradient"
    monkeypatch.setattr(fast, "direction", lambda rng, blocks: [[(i, 1.0) for i in nested.indices(t)]
                                                                 for _, t, _ in blocks])
    blind = check_layer(SoftmaxNoGradient(), x, "softmax", fast=True)
    assert blind.passed and blind.mode == "fast"  # the blind spot signed directions avoid


def test_every_fast_direction_mixes_signs():
    blocks = [("dx", [[0.0] * 5 for _ in range(4)], None), ("dW", [[0.0] * 3 for _ in range(5)], None)]
    rng = random.Random(0)
    for _ in range(50):
        weights = [w for part in fast.direction(rng, blocks) for _, w in part]
        assert min(weights) < 0 < max(weights)
        assert all(w * fast.GRID == round(w * fast.GRID) for w in weights)  # exact steps


def test_fast_mode_never_fails_relu_and_never_trusts_a_direction_across_a_kink():
    fell_back = 0
    for seed in range(300):
        rng = random.Random(seed)
        x = [[rng.choice([0.0, rng.uniform(-1e-5, 1e-5), rng.gauss(0, 1)]) for _ in range(3)] for _ in range(3)]
        report = check_layer(reference.ReLU(), x, "relu", seed=seed, fast=True)
        assert report.passed, f"seed {seed}: {report.message()}"
        kinked = any(p.kink for p in report.projections)
        assert report.mode == ("fast, then full" if kinked else "fast")
        fell_back += kinked
    assert fell_back > 50


@pytest.mark.parametrize("bug", [planted.LeakyReLUHardCodedSlope, planted.LeakyReLUAsReLU], ids=lambda c: c.__name__)
def test_fast_mode_misses_no_wrong_slope_behind_a_kink(bug):
    component = COMPONENTS[bug.component]
    for seed in range(40):
        report = check_layer(component.build(bug), component.points(random.Random(seed)), bug.component, seed=seed,
                             fast=True)
        assert not report.passed and report.diagnosis == bug.diagnosis, f"seed {seed}"


def test_a_loss_in_fast_mode():
    y_pred, y_true = [[0.3, -1.2], [0.5, 2.0]], [[0.0, 1.0], [1.0, 1.5]]
    assert check_loss(reference.MSE(), y_pred, y_true, "mse", fast=True).mode == "fast"
    report = check_loss(planted.MSEMissingTwo(), y_pred, y_true, "mse", fast=True)
    assert report.mode == "fast, then full" and report.diagnosis == "scale"


class ProxyLayer:
    """A layer that keeps its own copy of params and sends them to the real layer at call time, like a layer
    in another process would: the checker may only use forward, backward, params and grads."""

    def __init__(self, inner):
        self.inner = inner
        self.params = {n: [list(r) if isinstance(r, list) else r for r in v] for n, v in inner.params.items()}
        self.grads = {}

    def send(self):
        for name, value in self.params.items():
            self.inner.params[name] = [list(r) if isinstance(r, list) else r for r in value]

    def forward(self, x):
        self.send()
        return [list(row) for row in self.inner.forward([list(row) for row in x])]

    def backward(self, dy):
        self.send()
        dx = self.inner.backward([list(row) for row in dy])
        self.grads = {n: [list(r) if isinstance(r, list) else r for r in v] for n, v in self.inner.grads.items()}
        return dx


def test_a_layer_behind_a_proxy_is_checked_through_the_protocol():
    assert check_layer(ProxyLayer(reference.Dense(3, 2)), X, "dense").passed
    assert check_layer(ProxyLayer(reference.Dense(3, 2)), X, "dense", fast=True).mode == "fast"
    assert check_layer(ProxyLayer(planted.DenseSignFlip(3, 2)), X, "dense").diagnosis == "sign-flip"
    assert check_layer(ProxyLayer(planted.DenseStaleCache(3, 2)), X, "dense").diagnosis == "stale-cache"


def l2(params, strength):
    """(f, gradient) of R = strength / 2 * sum W^2 over the matrices of params."""
    def penalty():
        return 0.5 * strength * math.fsum(w * w for p in params.values() if isinstance(p[0], list)
                                          for row in p for w in row)

    def gradient():
        return {n: [[strength * w for w in row] for row in p] if isinstance(p[0], list) else [0.0] * len(p)
                for n, p in params.items()}

    return penalty, gradient


def weight_params():
    return {"0.W": [[0.5, -1.0], [2.0, 0.25], [-0.3, 0.7]], "0.b": [0.1, -0.2], "2.W": [[1.5, -0.5, 0.2, 0.9]]}


def test_check_function_checks_a_regularization_term_on_its_own():
    params = weight_params()
    penalty, gradient = l2(params, 0.3)
    report = check_function(penalty, gradient, params, "weight_decay")
    assert report.passed and report.kind == "function", report.message()
    assert [b.name for b in report.blocks] == ["d0.W", "d0.b", "d2.W"]
    assert check_function(penalty, gradient(), params, "weight_decay", fast=True).mode == "fast"
    assert params == weight_params()  # every perturbation was undone


def test_check_function_diagnoses_a_missing_half():
    params = weight_params()
    penalty, gradient = l2(params, 0.3)

    def doubled():
        return {n: [[2 * g for g in row] for row in v] if isinstance(v[0], list) else v for n, v in gradient().items()}

    report = check_function(penalty, doubled, params, "weight_decay")
    assert not report.passed and report.diagnosis == "scale"
    assert "d0.W equals 2 times the numeric gradient" in report.evidence
    assert "reread specs/weight_decay.md" in report.evidence


def test_check_function_finds_nondeterminism_and_shapes():
    params = weight_params()
    penalty, gradient = l2(params, 0.3)
    noisy = check_function(lambda: penalty() + random.random(), gradient, params, "weight_decay")
    assert noisy.diagnosis == "nondeterministic"
    flat_bias = dict(gradient(), **{"0.b": [[0.0, 0.0]]})
    assert check_function(penalty, flat_bias, params, "weight_decay").diagnosis == "shape"
