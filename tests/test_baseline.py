"""The baseline check passes for reference and fails for components that cannot learn."""
import reference
from checks import baseline
from checks.components import COMPONENTS
from tests import planted


class DeadReLU(reference.ReLU):
    """forward returns zeros: nothing reaches the output layer."""

    def forward(self, x):
        super().forward(x)
        return [[0.0] * len(row) for row in x]


class AscentMSE(reference.MSE):
    """dL/dp with the sign reversed: training climbs the loss."""

    def backward(self):
        return [[-g for g in row] for row in super().backward()]


def test_reference_relu_beats_the_mean_by_the_margin():
    result = baseline.run(COMPONENTS["relu"])
    assert result.passed, result
    assert result.metric == "MSE"
    assert result.model_score <= baseline.MARGIN * result.baseline_score


def test_a_layer_that_passes_nothing_forward_does_not_beat_the_mean():
    result = baseline.run(COMPONENTS["relu"], DeadReLU)
    assert not result.passed
    assert result.model_score > baseline.MARGIN * result.baseline_score


def test_a_loss_with_its_gradient_reversed_does_not_beat_the_mean():
    result = baseline.run(COMPONENTS["mse"], AscentMSE)
    assert not result.passed


def test_a_dense_with_a_sign_flipped_weight_gradient_does_not_beat_the_mean():
    result = baseline.run(COMPONENTS["dense"], planted.DenseSignFlip)
    assert not result.passed


def test_a_crash_while_training_is_reported_not_raised():
    class Crashes(reference.Tanh):
        def backward(self, dy):
            raise RuntimeError("no backward yet")

    result = baseline.run(COMPONENTS["tanh"], Crashes)
    assert not result.passed
    assert result.message == "RuntimeError while training: no backward yet"


def test_classification_scores_against_the_class_prior():
    result = baseline.run(COMPONENTS["softmax_cross_entropy"])
    assert result.metric == "cross-entropy"
    assert abs(result.baseline_score - 0.6931) < 0.01  # the median split makes the prior close to 1/2
    assert result.passed


def test_the_score_is_the_checks_own_metric_not_the_components_loss():
    class LyingMSE(reference.MSE):
        """forward reports 0 whatever the prediction."""

        def forward(self, y_pred, y_true):
            super().forward(y_pred, y_true)
            return 0.0

    honest = baseline.run(COMPONENTS["mse"])
    lying = baseline.run(COMPONENTS["mse"], LyingMSE)
    assert lying.model_score == honest.model_score  # same gradients, same model, same score


def test_no_constant_prediction_passes_not_even_the_test_periods_own_mean():
    (_, y_train), (_, y_test) = baseline.bike_data()
    mean_train = sum(r[0] for r in y_train) / len(y_train)
    mean_test = sum(r[0] for r in y_test) / len(y_test)
    score = baseline.TASKS[COMPONENTS["mse"].task].score
    oracle, base = score([[mean_test]] * len(y_test), y_test, y_train), score([[mean_train]] * len(y_test), y_test, y_train)
    assert oracle < base  # the later period has more rentals: a constant can beat the training mean...
    assert oracle > baseline.MARGIN * base  # ...but not by the margin the check asks for
