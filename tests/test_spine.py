"""The checker and the property suites beyond (N, D) batches: any rank, a held random draw, dependent rows, modes.

Each toy layer of tests/toys.py passes, and each wrong version fails with a
message that says where. No check knows the toys: they go through the same
code as the components of reference/.
"""
import doctest
import math
import random

from hypothesis import strategies as st

import reference
from checks import held, nested, strategies as s
from checks.gradcheck import check_layer
from checks.properties import Subject, in_both_modes, run
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, same_call_same_numbers
from tests import toys


def images(channels, elements=None):
    """Batches (N, C, 2 or 4, 3) with N in 2..3: rank 4, non-square planes."""
    return st.tuples(st.integers(2, 3), st.sampled_from((2, 4))).flatmap(
        lambda nh: s.tensors((nh[0], channels, nh[1], 3), elements))


def image_subject(cls=toys.ScaleShift):
    return Subject("scale_shift", lambda: cls(3), images(3), images(3, s.values(-s.EXTREME, s.EXTREME)), cls)


def batch_subject(cls, **flags):
    return Subject(cls.__name__.lower(), cls, s.batches(min_rows=2), s.batches(s.MAX_COLUMNS, s.values(-s.EXTREME,
                   s.EXTREME), min_rows=2), cls, **flags)


def image_point(seed=0):
    return nested.gaussian(random.Random(seed), (2, 3, 4, 3))


def test_the_nested_helpers_and_the_held_draw_keep_their_examples():
    for module in (nested, held):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_nested_helpers_take_any_rank():
    x = nested.gaussian(random.Random(1), (2, 3, 1, 2))
    assert nested.shape(x) == (2, 3, 1, 2) and len(nested.indices(x)) == 12
    assert nested.unflatten(nested.flatten(x), (2, 3, 1, 2)) == x
    copy = nested.copy(x)
    nested.write(copy, (1, 2, 0, 1), 5.0)
    assert nested.read(copy, (1, 2, 0, 1)) == 5.0 and nested.read(x, (1, 2, 0, 1)) != 5.0
    assert nested.shape([[1.0], [1.0, 2.0]]) is None and nested.shape([True]) is None and nested.shape(3.0) is None
    assert nested.dot(x, nested.apply(lambda v: 2.0, x)) == 2.0 * math.fsum(nested.flatten(x))


def test_a_rank_4_layer_passes_the_gradient_check():
    report = check_layer(toys.ScaleShift(3), image_point(), "scale_shift")
    assert report.passed, report.message()
    assert {b.name: b.shape for b in report.blocks} == {"dx": (2, 3, 4, 3), "dscale": (3,), "dshift": (3, 2, 2)}


def test_a_rank_4_layer_passes_the_fast_gradient_check():
    assert check_layer(toys.ScaleShift(3), image_point(1), "scale_shift", fast=True).mode == "fast"


def test_a_rank_4_gradient_summed_over_one_image_fails_at_its_block():
    report = check_layer(toys.ScaleShiftScaleNotSummed(3), image_point(), "scale_shift")
    assert not report.passed and [b.name for b in report.blocks if not b.passed] == ["dscale"]
    assert "dscale[" in report.message()


def test_a_rank_3_parameter_gradient_in_the_wrong_place_fails_at_its_entries():
    report = check_layer(toys.ScaleShiftShiftOnePosition(3), image_point(), "scale_shift")
    failing = [e.where() for b in report.blocks for e in b.failures]
    assert failing and all(w.startswith("dshift[") for w in failing) and "dshift[0][0][1]" in failing


def test_a_rank_4_layer_keeps_every_layer_property():
    outcomes = [run(prop, image_subject()) for prop in EVERY_LAYER + WITH_PARAMS]
    assert all(o.passed and not o.skipped for o in outcomes), [o.message for o in outcomes if not o.passed]


def test_a_wrong_but_linear_rank_4_gradient_keeps_linearity_and_fails_the_gradient_check():
    outcome = run(EVERY_LAYER[1], image_subject(toys.ScaleShiftShiftOnePosition))  # backward is linear in dy
    assert outcome.passed  # linear, though wrong: the gradient check is what catches it
    assert not check_layer(toys.ScaleShiftShiftOnePosition(3), image_point(2)).passed


def test_the_gradient_check_holds_a_stochastic_layers_draw_fixed():
    report = check_layer(toys.Dropping(0.5, seed=3), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dropping")
    assert report.passed, report.message()
    assert any(e.analytic == 0.0 for e in report.blocks[0].entries)  # some entries were dropped
    assert any(e.analytic != 0.0 for e in report.blocks[0].entries)


def test_a_stochastic_layer_that_draws_again_in_backward_fails_the_gradient_check():
    report = check_layer(toys.DroppingRedraws(0.5, seed=3), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dropping")
    assert not report.passed and "dx" in report.message()


def test_a_draw_from_the_global_random_state_is_named_nondeterministic():
    report = check_layer(toys.DroppingGlobalRandom(0.5), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dropping")
    assert not report.passed and report.diagnosis == "nondeterministic", report.message()
    assert "randomness or hidden state" in report.message()


def test_in_evaluation_mode_the_gradient_check_sees_the_identity():
    layer = toys.Dropping(0.5)
    layer.training = False
    report = check_layer(layer, [[0.5, -1.0], [1.5, 0.25]], "dropping")
    assert report.passed and all(abs(e.analytic - e.numeric) < 1e-9 for e in report.blocks[0].entries)


def test_a_stochastic_layer_keeps_every_layer_property_with_its_draw_held():
    subject = batch_subject(toys.Dropping, stochastic=True)
    outcomes = {prop.__name__: run(prop, subject) for prop in EVERY_LAYER}
    assert all(o.passed for o in outcomes.values()), [o.message for o in outcomes.values() if not o.passed]
    assert outcomes["permuting_the_batch_permutes_the_output"].skipped
    evaluating = run(EVERY_LAYER[2], subject.evaluating())
    assert evaluating.passed and not evaluating.skipped


def identity_in_evaluation(subject):
    """In evaluation mode forward returns x unchanged."""
    from checks.properties import require_close
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    layer = subject.make()
    if not subject.training:
        require_close(layer.forward(x), x, "forward in evaluation mode", 0.0)


def test_a_property_in_both_modes_names_the_mode_that_fails():
    both = in_both_modes(identity_in_evaluation)
    assert both.__name__ == "identity_in_evaluation"
    assert run(both, batch_subject(toys.Dropping, stochastic=True)).passed
    outcome = run(both, batch_subject(toys.DroppingInEvaluation, stochastic=True))
    assert not outcome.passed
    assert outcome.message.startswith("in evaluation mode (training = False): forward in evaluation mode[0]")


def test_determinism_in_both_modes_holds_for_a_held_draw():
    assert run(in_both_modes(same_call_same_numbers), batch_subject(toys.Dropping, stochastic=True)).passed


def test_dependent_rows_pass_the_gradient_check_through_the_cross_row_terms():
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [0.1, 0.2, 0.3], [-2.0, 1.0, 0.5]]
    report = check_layer(toys.Centering(), x, "centering")
    assert report.passed, report.message()


def test_dependent_rows_without_the_cross_row_terms_fail_the_gradient_check():
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [0.1, 0.2, 0.3], [-2.0, 1.0, 0.5]]
    report = check_layer(toys.CenteringWithoutTheMeanPath(), x, "centering")
    assert not report.passed and [b.name for b in report.blocks if not b.passed] == ["dx"]
    assert "dx[0][0]" in report.message()


def test_properties_that_assume_independent_rows_skip_dependent_rows():
    subject = batch_subject(toys.Centering, rows_independent=False)
    outcomes = {prop.__name__: run(prop, subject) for prop in EVERY_LAYER}
    assert all(o.passed for o in outcomes.values()), [o.message for o in outcomes.values() if not o.passed]
    skipped = [name for name, o in outcomes.items() if o.skipped]
    assert skipped == ["permuting_the_batch_permutes_the_output"]
    assert "rows_independent = False" in outcomes[skipped[0]].message


def test_a_layer_with_independent_rows_runs_every_property():
    outcome = run(EVERY_LAYER[2], batch_subject(toys.Dropping, stochastic=True).evaluating())
    assert outcome.passed and not outcome.skipped


def test_wrappers_pass_the_mode_the_draw_and_the_rows_through():
    from checks.grading.insulated import Mended
    from checks.gradcheck.subjects import Counted
    for wrapper in (Counted(toys.Dropping(), {}), Mended(toys.Dropping(), frozenset({"accumulates"}))):
        wrapper.training = False
        assert wrapper.obj.training is False and wrapper.training is False
        assert wrapper.rng is wrapper.obj.rng and wrapper.rows_independent
    centering = Counted(toys.Centering(), {})
    assert centering.rows_independent is False and centering.rng is None


def test_the_per_row_hypothesis_of_a_parameter_is_asked_of_dependent_rows_as_each_rows_share():
    """dy masked to one row gives that row's share of the batch's gradient, dependent rows or not: the shares of
    BatchNorm's dbeta add up to the whole numeric gradient. dx has no per-row hypothesis."""
    from checks.gradcheck.layer_subject import LayerSubject
    layer = reference.BatchNorm(3)
    x = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.5, 1.0, 0.0]]
    subject = LayerSubject(layer, x, 0, "specs/batch_norm.md")
    subject.probe([])
    shares = subject.per_row("dbeta")
    whole = subject.weighted("dbeta", subject.dy)
    assert subject.per_row("dx") is None and len(shares) == 3
    for j, entry in enumerate(whole):
        assert abs(sum(share[j].numeric for share in shares) - entry.numeric) < 1e-8
