"""The property suites: every property holds on reference/, and each planted bug breaks a named property.

A planted bug is a small wrong implementation whose docstring names the bug.
Each is built as the checks build the component (checks/components.py), so
Dense is non-square (3, 2), batches have several rows, and backward is called
more than once; the test asserts that the named property fails and that its
message carries the words a student needs.
"""
import math
import random

import pytest
from hypothesis import Phase, settings

import reference
from checks.components import COMPONENTS
from checks.properties import rule_of, run, suite
from reference.sequential import LayerEntries
from reference.tensor import matmul, transpose
from tests import planted

EVERY_PROPERTY = [(name, prop) for name in COMPONENTS for prop in suite(name)]


@pytest.mark.parametrize("name, prop", EVERY_PROPERTY, ids=[f"{n}.{p.__name__}" for n, p in EVERY_PROPERTY])
def test_every_property_holds_on_reference(name, prop):
    outcome = run(prop, COMPONENTS[name].subject())
    assert outcome.passed, f"{name}: '{outcome.name}' ({outcome.rule}) fails on reference: {outcome.message}"


@pytest.mark.parametrize("name, prop", EVERY_PROPERTY, ids=[f"{n}.{p.__name__}" for n, p in EVERY_PROPERTY])
def test_every_property_states_its_rule(name, prop):
    assert rule_of(prop) != prop.__name__, f"{name}: '{prop.__name__}' needs a docstring stating its rule"


# Neuron (built as Neuron(3)) --------------------------------------------------------------------------------

class NeuronWithoutBias(reference.Neuron):
    """forward computes x w and forgets b."""

    def forward(self, x):
        self.x = x
        return [[sum(v * w for v, w in zip(row, self.params["w"]))] for row in x]


class NeuronWeightGradientOfTheFirstRow(reference.Neuron):
    """dw = dy[0] x[0]: the weight gradient is not summed over the batch."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["w"] = [dy[0][0] * v for v in self.x[0]]
        return dx


class NeuronBiasGradientSignFlipped(reference.Neuron):
    """db = -sum_n dy[n]: the sign of the bias gradient is flipped."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = [-self.grads["b"][0]]
        return dx


class NeuronInputGradientOfTheFirstWeight(reference.Neuron):
    """dx[n] = dy[n] w[0] in every column: the first weight used for every input."""

    def backward(self, dy):
        super().backward(dy)
        return [[row[0] * self.params["w"][0] for _ in self.params["w"]] for row in dy]


# Dense (built as Dense(3, 2)) -------------------------------------------------------------------------------

class DenseTransposedWeightGradient(reference.Dense):
    """dW = dy^T x, shape (M, D), instead of x^T dy (D, M)."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = matmul(transpose(dy), self.x)
        return dx


class DenseBiasGradientOfTheFirstRow(reference.Dense):
    """db = dy[0]: the bias gradient is not summed over the batch."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = list(dy[0])
        return dx


class DenseHalfWeightGradient(reference.Dense):
    """dW = x^T dy / 2: a wrong factor in the weight gradient."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = [[w / 2.0 for w in row] for row in self.grads["W"]]
        return dx


class DenseGradsUnderAnotherName(reference.Dense):
    """backward stores dW under grads['dW'] as well: grads holds a key that params has not."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["dW"] = self.grads["W"]
        return dx


class DenseAccumulatingGrads(reference.Dense):
    """backward adds to grads (+=) instead of overwriting them."""

    def backward(self, dy):
        old_w, old_b = self.grads["W"], self.grads["b"]
        dx = super().backward(dy)
        self.grads["W"] = [[a + b for a, b in zip(r, s)] for r, s in zip(old_w, self.grads["W"])]
        self.grads["b"] = [a + b for a, b in zip(old_b, self.grads["b"])]
        return dx


class DenseStaleCache(reference.Dense):
    """forward keeps x only the first time, so a later backward uses the first batch."""

    def forward(self, x):
        first = self.x
        y = super().forward(x)
        self.x = x if first is None else first
        return y


class DenseWithoutBias(reference.Dense):
    """forward computes x W and forgets b."""

    def forward(self, x):
        self.x = x
        return matmul(x, self.params["W"])


# Identity, Sigmoid, Tanh ------------------------------------------------------------------------------------

class IdentityReturnsX(reference.Identity):
    """forward returns x itself, not a copy."""

    def forward(self, x):
        return x


class IdentitySharesRows(reference.Identity):
    """forward copies the outer list but shares the rows of x."""

    def forward(self, x):
        return list(x)


class IdentityBackwardReturnsX(reference.Identity):
    """backward returns the cached input instead of dy."""

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dy):
        return [list(row) for row in self.x]


class IdentityBackwardReturnsDy(reference.Identity):
    """backward returns dy itself, not a copy."""

    def backward(self, dy):
        return dy


class SigmoidNotSymmetric(reference.Sigmoid):
    """for x < 0 uses e = exp(-x) in e / (1 + e), so sigma(-x) != 1 - sigma(x)."""

    def forward(self, x):
        self.y = [[1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(-v) / (1.0 + math.exp(-v)) for v in row]
                  for row in x]
        return self.y


class SigmoidNaive(reference.Sigmoid):
    """1 / (1 + exp(-x)) for every x: exp overflows at x = -1e4."""

    def forward(self, x):
        self.y = [[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x]
        return self.y


class TanhDerivativeOfTheInput(reference.Tanh):
    """backward uses 1 - x^2 (the input) instead of 1 - y^2 (the output)."""

    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dy):
        return [[g * (1.0 - v * v) for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


class TanhHardClip(reference.Tanh):
    """y = max(-1, min(1, x)): reaches -1 and 1 at |x| = 1."""

    def forward(self, x):
        self.y = [[max(-1.0, min(1.0, v)) for v in row] for row in x]
        return self.y


class TanhMutatesX(reference.Tanh):
    """forward writes tanh(x) into x's own rows and returns x."""

    def forward(self, x):
        for row in x:
            row[:] = [math.tanh(v) for v in row]
        self.y = x
        return x


# ReLU, LeakyReLU (built as LeakyReLU(0.1)), Softmax --------------------------------------------------------

class ReLUGreaterOrEqual(reference.ReLU):
    """x >= 0 instead of x > 0 in forward and backward, so ReLU'(0) = 1."""

    def forward(self, x):
        self.x = x
        return [[v if v >= 0.0 else 0.0 for v in row] for row in x]

    def backward(self, dy):
        return [[g if v >= 0.0 else 0.0 for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class ReLUSlopeOneAtZero(reference.ReLU):
    """backward zeroes dy only where x < 0, so ReLU'(0) = 1."""

    def backward(self, dy):
        return [[0.0 if v < 0.0 else g for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class ReLUStaleCache(reference.ReLU):
    """forward keeps x only the first time (a stale cache)."""

    def forward(self, x):
        first = self.x
        y = super().forward(x)
        self.x = x if first is None else first
        return y


class LeakyReLUDefaultSlopeInBackward(reference.LeakyReLU):
    """backward uses the default slope 0.01 instead of the layer's alpha."""

    def backward(self, dy):
        return [[g if v > 0.0 else 0.01 * g for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class LeakyReLUSlopeOneAtZero(reference.LeakyReLU):
    """backward uses x >= 0, so the slope at the kink is 1 instead of alpha."""

    def backward(self, dy):
        return [[g if v >= 0.0 else self.alpha * g for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]


class LeakyReLUMin(reference.LeakyReLU):
    """y = min(x, alpha x): the two slopes are swapped."""

    def forward(self, x):
        self.x = x
        return [[min(v, self.alpha * v) for v in row] for row in x]


class SoftmaxWithoutMaxSubtraction(reference.Softmax):
    """exp(x_j) / sum_k exp(x_k) without subtracting the row maximum: exp overflows."""

    def forward(self, x):
        self.y = [[math.exp(v) / sum(math.exp(u) for u in row) for v in row] for row in x]
        return self.y


class SoftmaxBackwardWithoutTheSumTerm(reference.Softmax):
    """dx = y * dy: the term - y_j sum_k dy_k y_k is missing."""

    def backward(self, dy):
        return [[p * g for g, p in zip(gr, yr)] for gr, yr in zip(dy, self.y)]


# Sequential (built from Dense(3, 4), ReLU(), Dense(4, 2, seed=1)) ----------------------------------------------

class SequentialBackwardInForwardOrder(reference.Sequential):
    """backward runs the layers first to last instead of last to first."""

    def backward(self, dy):
        for layer in self.layers:
            dy = layer.backward(dy)
        return dy


class SequentialParamsAreCopies(reference.Sequential):
    """params holds copies of the layers' lists, so edits in place never reach the layers."""

    def __init__(self, layers):
        super().__init__(layers)
        self.params = {key: [list(r) if isinstance(r, list) else r for r in v] for key, v in self.params.items()}


class SequentialKeysWithoutIndexDot(reference.Sequential):
    """params is keyed "W0", "b0", ... instead of "0.W", "0.b", ..."""

    def __init__(self, layers):
        super().__init__(layers)
        self.params = {f"{name}{i}": v for i, layer in enumerate(layers) for name, v in layer.params.items()}


class LastDotEntries(LayerEntries):
    """Splits "<index>.<name>" at the last dot."""

    def _owner(self, key):
        index, _, name = key.rpartition(".")
        if not index.isdigit() or int(index) >= len(self.layers):
            raise KeyError(key)
        return getattr(self.layers[int(index)], self.attribute), name


class SequentialSplitsKeysAtTheLastDot(reference.Sequential):
    """params["0.1.W"] is split at the last dot, so the entries of a network inside a network cannot be reached."""

    def __init__(self, layers):
        super().__init__(layers)
        self.params, self.grads = LastDotEntries(self.layers, "params"), LastDotEntries(self.layers, "grads")


class UncheckedIndexEntries(LayerEntries):
    """Looks the layer up without checking the index."""

    def _owner(self, key):
        index, _, name = key.partition(".")
        return getattr(self.layers[int(index)], self.attribute), name


class SequentialWithoutKeyErrors(reference.Sequential):
    """A key past the last layer raises IndexError and a non-numeric index ValueError, not KeyError."""

    def __init__(self, layers):
        super().__init__(layers)
        self.params = UncheckedIndexEntries(self.layers, "params")
        self.grads = UncheckedIndexEntries(self.layers, "grads")


# Losses -----------------------------------------------------------------------------------------------------

class MSESum(reference.MSE):
    """L sums the squares instead of averaging them (and the gradient is 2 r)."""

    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) * len(y_pred) * len(y_pred[0])

    def backward(self):
        return [[2.0 * r for r in row] for row in self.residual]


class MSEMeanOverRowsOnly(reference.MSE):
    """L divides the sum of squares by N instead of N M: right for one column only."""

    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) * len(y_pred[0])


class MSEWithoutTheFactor2(reference.MSE):
    """dL/dp = (p - t) / (N M): the factor 2 of d(r^2)/dr is missing."""

    def backward(self):
        return [[g / 2.0 for g in row] for row in super().backward()]


class MSEGradientSignFlipped(reference.MSE):
    """dL/dp = 2 (t - p) / (N M): the sign is flipped."""

    def backward(self):
        return [[-g for g in row] for row in super().backward()]


class BinaryCrossEntropyWithoutClamp(reference.BinaryCrossEntropy):
    """uses math.log directly, so p = 0 or 1 takes log(0)."""

    def forward(self, y_pred, y_true):
        self.p, self.t = y_pred, y_true
        terms = [t * math.log(p) + (1 - t) * math.log(1 - p) for pr, tr in zip(y_pred, y_true) for p, t in zip(pr, tr)]
        return -sum(terms) / len(terms)


class BinaryCrossEntropyGradientSignFlipped(reference.BinaryCrossEntropy):
    """dL/dp = (t - p) / (p (1 - p) N): the sign is flipped."""

    def backward(self):
        return [[-g for g in row] for row in super().backward()]


class BinaryCrossEntropyGradientOfTheLogit(reference.BinaryCrossEntropy):
    """dL/dp = (p - t) / N, the gradient with respect to the logit: the division by p (1 - p) is missing."""

    def backward(self):
        return [[(p - t) / len(self.p) for p, t in zip(p_row, t_row)] for p_row, t_row in zip(self.p, self.t)]


class BinaryCrossEntropyAveragedOverRowsOnly(reference.BinaryCrossEntropy):
    """dL/dp divided by N instead of N M: right for one column, M times too large for (N, M)."""

    def backward(self):
        m = len(self.p[0])
        return [[g * m for g in row] for row in super().backward()]


class SoftmaxCrossEntropyWithoutMaxSubtraction(reference.SoftmaxCrossEntropy):
    """L = log sum_k exp(z_k) - z_c without subtracting the row maximum: exp overflows."""

    def forward(self, y_pred, y_true):
        self.p = [[math.exp(v) / sum(math.exp(u) for u in z) for v in z] for z in y_pred]
        self.labels = list(y_true)
        return sum(math.log(sum(math.exp(v) for v in z)) - z[c] for z, c in zip(y_pred, y_true)) / len(y_pred)


class SoftmaxCrossEntropyGradientNotDividedByN(reference.SoftmaxCrossEntropy):
    """dL/dz = p - onehot, not divided by the batch size N."""

    def backward(self):
        return [[g * len(self.p) for g in row] for row in super().backward()]


class SoftmaxCrossEntropyGradientSignFlipped(reference.SoftmaxCrossEntropy):
    """dL/dz = onehot - p: the sign is flipped."""

    def backward(self):
        return [[-g for g in row] for row in super().backward()]


# Initializers (the implementation is a module; here a class with the two functions) --------------------------

class GlobalRandomInitializers:
    """xavier_uniform draws from the global random module, not from rng."""

    he_normal = staticmethod(reference.he_normal)

    @staticmethod
    def xavier_uniform(n_in, n_out, rng):
        a = math.sqrt(6.0 / (n_in + n_out))
        return [[random.uniform(-a, a) for _ in range(n_out)] for _ in range(n_in)]


class VarianceAsStandardDeviationInitializers:
    """he_normal uses sigma = 2 / n_in, the variance, as its standard deviation."""

    xavier_uniform = staticmethod(reference.xavier_uniform)

    @staticmethod
    def he_normal(n_in, n_out, rng):
        return [[rng.gauss(0.0, 2.0 / n_in) for _ in range(n_out)] for _ in range(n_in)]


class TransposedInitializers:
    """xavier_uniform returns W (n_out, n_in) instead of (n_in, n_out)."""

    he_normal = staticmethod(reference.he_normal)

    @staticmethod
    def xavier_uniform(n_in, n_out, rng):
        return reference.xavier_uniform(n_out, n_in, rng)


NAIVE_EXP = ("OverflowError", "ZeroDivisionError")  # exp(x) without the row maximum overflows, or underflows to 0 / 0

PLANTED = [  # (component, wrong implementation, the property that must fail, words (or alternatives) in its message)
    ("neuron", NeuronWithoutBias, "a_zero_input_gives_b_and_a_one_hot_input_gives_w_d_plus_b", "(is b added?)"),
    ("neuron", NeuronWeightGradientOfTheFirstRow, "adding_a_row_adds_its_dy_times_x_to_dw_and_its_dy_to_db",
     "dw sums dy_n x_n over the rows); grads['w']"),
    ("neuron", NeuronBiasGradientSignFlipped, "gradients_predict_the_change_of_y_times_dy", "moving b by c"),
    ("neuron", NeuronInputGradientOfTheFirstWeight, "dx_is_dy_times_w_whatever_x_is", "dL/dx = dy . w^T"),
    ("dense", DenseTransposedWeightGradient, "gradients_predict_the_change_of_y_times_dy", "shape of params['W']"),
    ("dense", DenseBiasGradientOfTheFirstRow, "adding_a_row_adds_its_dy_to_db_and_its_outer_product_to_dW",
     "sums dy over the rows); grads['b']"),
    ("dense", DenseHalfWeightGradient, "gradients_predict_the_change_of_y_times_dy", "moving W by E"),
    ("dense", DenseAccumulatingGrads, "backward_overwrites_grads", "must overwrite, not add to, grads['W']"),
    ("dense", DenseGradsUnderAnotherName, "output_has_one_row_per_input_row",
     "grads has entries that params has not: ['dW']; grads holds the keys of params and no others"),
    ("dense", DenseStaleCache, "backward_uses_the_latest_forward", "backward must use x2 (not a stale input); grads['W']"),
    ("dense", DenseWithoutBias, "a_zero_input_gives_b_in_every_row", "should be b ="),
    ("identity", IdentityReturnsX, "outputs_are_new_lists", "forward returned x itself"),
    ("identity", IdentitySharesRows, "outputs_are_new_lists", "row 0 of y is row 0 of x"),
    ("identity", IdentityBackwardReturnsDy, "outputs_are_new_lists", "backward returned dy itself"),
    ("identity", IdentityBackwardReturnsX, "dx_equals_dy", "dx should equal dy exactly; dx[0][0]"),
    ("sigmoid", SigmoidNotSymmetric, "is_symmetric_about_one_half", "sigma(-x) against 1 - sigma(x)"),
    ("sigmoid", SigmoidNaive, "extreme_inputs_stay_finite", "OverflowError"),
    ("tanh", TanhDerivativeOfTheInput, "derivative_is_1_at_0_and_between_0_and_1", "it should lie in [0, 1]"),
    ("tanh", TanhHardClip, "outputs_lie_between_minus_1_and_1", "strictly inside (-1, 1)"),
    ("tanh", TanhMutatesX, "arguments_are_not_modified", "forward changed its argument x"),
    ("relu", ReLUGreaterOrEqual, "derivative_is_1_above_0_and_0_at_and_below_the_kink", "ReLU'(0) = 0"),
    ("relu", ReLUSlopeOneAtZero, "derivative_is_1_above_0_and_0_at_and_below_the_kink", "is the kink"),
    ("relu", ReLUStaleCache, "backward_uses_the_latest_forward", "stale input"),
    ("leaky_relu", LeakyReLUDefaultSlopeInBackward, "derivative_is_1_above_0_and_alpha_at_and_below_0",
     "(alpha = 0.1,"),
    ("leaky_relu", LeakyReLUSlopeOneAtZero, "derivative_is_1_above_0_and_alpha_at_and_below_0",
     "the kink, where the slope is alpha"),
    ("leaky_relu", LeakyReLUMin, "is_x_above_0_and_alpha_x_at_and_below_0", "expected x ="),
    ("softmax", SoftmaxWithoutMaxSubtraction, "extreme_inputs_stay_finite", NAIVE_EXP),
    ("softmax", SoftmaxWithoutMaxSubtraction, "adding_a_constant_to_a_row_changes_nothing", "row's maximum"),
    ("softmax", SoftmaxBackwardWithoutTheSumTerm, "each_row_of_dx_sums_to_0", "sum_k dy_k y_k"),
    ("sequential", SequentialBackwardInForwardOrder, "backward_runs_the_layers_backward_in_reverse", "chain rule"),
    ("sequential", SequentialParamsAreCopies, "params_are_the_layers_own_lists_under_index_dot_name",
     "is params a copy?"),
    ("sequential", SequentialKeysWithoutIndexDot, "params_are_the_layers_own_lists_under_index_dot_name",
     "'<index>.<name>'"),
    ("sequential", SequentialSplitsKeysAtTheLastDot,
     "a_network_inside_a_network_names_entries_index_dot_index_dot_name", "split a key at its first dot"),
    ("sequential", SequentialWithoutKeyErrors, "params_and_grads_act_as_dicts", "raised IndexError"),
    ("mse", MSESum, "loss_is_a_mean_over_the_batch", "loss of the batch repeated twice"),
    ("mse", MSEMeanOverRowsOnly, "a_single_miss_of_r_costs_r_squared_over_N_M", "should be r^2 / (N M)"),
    ("mse", MSEWithoutTheFactor2, "a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared",
     "(ratio 1.99"),
    ("mse", MSEGradientSignFlipped, "a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared",
     "raised L"),
    ("binary_cross_entropy", BinaryCrossEntropyWithoutClamp, "stays_finite_at_p_exactly_0_and_1", "math domain error"),
    ("binary_cross_entropy", BinaryCrossEntropyWithoutClamp, "loss_is_zero_at_the_target_and_small_near_it",
     "math domain error"),
    ("binary_cross_entropy", BinaryCrossEntropyGradientSignFlipped,
     "gradient_is_positive_where_p_exceeds_t_and_negative_below", "it should be"),
    ("binary_cross_entropy", BinaryCrossEntropyGradientOfTheLogit,
     "a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared", "division by p (1 - p) missing"),
    ("binary_cross_entropy", BinaryCrossEntropyAveragedOverRowsOnly,
     "a_small_step_against_the_gradient_lowers_L_by_step_times_grad_squared", "ratio 0.5000"),
    ("softmax_cross_entropy", SoftmaxCrossEntropyWithoutMaxSubtraction, "stays_finite_for_logits_of_magnitude_1e4",
     "row's maximum"),
    ("softmax_cross_entropy", SoftmaxCrossEntropyWithoutMaxSubtraction,
     "shifting_a_row_of_logits_changes_neither_L_nor_the_gradient", "row's maximum"),
    ("softmax_cross_entropy", SoftmaxCrossEntropyGradientNotDividedByN, "loss_is_a_mean_over_the_batch",
     "should be halved"),
    ("softmax_cross_entropy", SoftmaxCrossEntropyGradientSignFlipped, "raising_the_true_logit_lowers_L",
     "should be negative"),
    ("initializers", GlobalRandomInitializers, "the_global_random_state_is_untouched", "global random state"),
    ("initializers", GlobalRandomInitializers, "the_same_seed_gives_the_same_weights", "gave different W"),
    ("initializers", VarianceAsStandardDeviationInitializers, "a_large_draw_has_mean_0_and_the_right_variance",
     "he_normal(200, 100"),
    ("initializers", TransposedInitializers, "weights_have_shape_n_in_by_n_out", "of shape (n_in, n_out)"),
    *((bug.component, bug, bug.property, bug.words) for bug in planted.PROPERTY_BUGS),
]


def property_named(component, name):
    found = [prop for prop in suite(component) if prop.__name__ == name]
    assert found, f"checks/properties/{component}.py has no property '{name}'"
    return found[0]


@pytest.fixture
def unshrunk():
    """Run under the current profile without shrinking: a failure is reported as found, in milliseconds.

    Shrinking a failure of a property with nested-list inputs can take seconds;
    the words a message must contain do not depend on it.
    """
    previous = settings.get_current_profile_name()
    settings.register_profile("unshrunk", settings(phases=[Phase.explicit, Phase.reuse, Phase.generate]))
    settings.load_profile("unshrunk")
    yield
    settings.load_profile(previous)


@pytest.mark.parametrize("component, wrong, name, words", PLANTED,
                         ids=[f"{c}.{w.__name__}.{n}" for c, w, n, _ in PLANTED])
def test_a_planted_bug_breaks_the_named_property(component, wrong, name, words, unshrunk):
    outcome = run(property_named(component, name), COMPONENTS[component].subject(wrong))
    assert not outcome.passed, f"'{name}' passed {wrong.__name__}: {wrong.__doc__}"
    alternatives = (words,) if isinstance(words, str) else words
    assert any(w in outcome.message for w in alternatives), \
        f"'{name}' caught {wrong.__name__}, but its message has none of {alternatives}: {outcome.message}"


def test_every_component_has_at_least_two_planted_bugs():
    from tests.test_optimizers import PLANTED as TRAINING_PLANTED

    planted = {c: {w for comp, w, _, _ in PLANTED + TRAINING_PLANTED if comp == c} for c in COMPONENTS}
    assert all(len(bugs) >= 2 for bugs in planted.values()), {c: len(b) for c, b in planted.items()}


class LeakyReLUIgnoringAlpha(reference.LeakyReLU):
    """Always uses the default slope 0.01, whatever alpha the constructor was given."""

    def __init__(self, alpha=0.01):
        super().__init__(0.01)


def test_a_leaky_relu_that_ignores_its_alpha_is_caught():
    prop = property_named("leaky_relu", "alpha_is_the_constructor_argument")
    outcome = run(prop, COMPONENTS["leaky_relu"].subject(LeakyReLUIgnoringAlpha))
    assert not outcome.passed
    assert "should be [[-alpha, 2.0]]" in outcome.message
