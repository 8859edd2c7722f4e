"""Invariants of WeightDecay (specs/weight_decay.md): R = (strength / 2) sum W^2 over the matrices; dR/dW = strength W.

subject.make() gives the class; it is built positionally: cls(strength).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.optimizers import combine, copied, require_close_params
from checks.strategies import parameter_sets, scalars


def strengths():
    return st.floats(min_value=1e-4, max_value=1.0)


def is_matrix(p):
    return isinstance(p[0], list)


def the_penalty_is_half_the_strength_times_the_sum_of_squared_weights(subject):
    """penalty(params) = (strength / 2) * sum of w^2 over every matrix parameter; vectors (biases) add nothing."""

    @given(parameter_sets(), strengths())
    def holds(pair, strength):
        params, _ = pair
        squares = sum(w * w for p in params.values() if is_matrix(p) for row in p for w in row)
        require_close(subject.make()(strength).penalty(params), 0.5 * strength * squares,
                      f"penalty with strength {strength!r} should be (strength / 2) sum W^2 over the weight matrices "
                      "(a factor 2 off? biases included?); got", 1e-12)

    holds()


def the_gradient_is_strength_times_w_and_zero_for_biases(subject):
    """gradient(params)[name] = strength * W for a matrix and zeros for a vector, with the shape of params[name]."""

    @given(parameter_sets(), strengths())
    def holds(pair, strength):
        params, _ = pair
        expected = {name: combine(p, p, lambda w, _: strength * w if is_matrix(p) else 0.0)
                    for name, p in params.items()}
        require_close_params(subject.make()(strength).gradient(params), expected,
                             f"the gradient of (strength / 2) sum W^2 with strength {strength!r} is strength * W "
                             "(and 0 for a bias); got gradient", 1e-12)

    holds()


def add_returns_new_grads_of_the_loss_plus_the_penalty(subject):
    """add(grads, params) = grads + gradient(params), in new lists; grads and params are left as they were."""

    @given(parameter_sets(), strengths())
    def holds(pair, strength):
        params, grads = pair
        decay, params_before, grads_before = subject.make()(strength), copied(params), copied(grads)
        total = decay.add(grads, params)
        require_close_params(total, combine(grads, decay.gradient(params), lambda g, r: g + r),
                             "add(grads, params) should be grads + strength * W entry by entry; got", 1e-12)
        require_close_params(params, params_before, "add changed params; it should only read them:", 0.0)
        require_close_params(grads, grads_before, "add changed grads; it should return new lists:", 0.0)
        require(all(total[name] is not grads[name] for name in grads),
                "add returned the lists of grads; it should return new ones and leave grads alone")

    holds()


def zero_strength_changes_nothing(subject):
    """With strength 0 the penalty is 0 and add(grads, params) equals grads."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        decay = subject.make()(0.0)
        require(decay.penalty(params) == 0.0, f"penalty with strength 0 should be 0.0, got {decay.penalty(params)!r}")
        require_close_params(decay.add(grads, params), grads, "add with strength 0 should give grads unchanged; got",
                             0.0)

    holds()


def scaling_the_weights_by_c_scales_the_penalty_by_c_squared(subject):
    """penalty(c W) = c^2 penalty(W): the penalty is quadratic in the weights."""

    @given(parameter_sets(), strengths(), scalars())
    def holds(pair, strength, c):
        params, _ = pair
        decay = subject.make()(strength)
        scaled = {name: combine(p, p, lambda w, _: c * w) for name, p in params.items()}
        require_close(decay.penalty(scaled), c * c * decay.penalty(params),
                      f"with every parameter multiplied by c = {c!r}, the penalty should be c^2 times as large; got",
                      1e-9)

    holds()


PROPERTIES = [the_penalty_is_half_the_strength_times_the_sum_of_squared_weights,
              the_gradient_is_strength_times_w_and_zero_for_biases, add_returns_new_grads_of_the_loss_plus_the_penalty,
              zero_strength_changes_nothing, scaling_the_weights_by_c_scales_the_penalty_by_c_squared]
