"""MaxPool2D and AvgPool2D: windows and strides, overlapping windows that add, ties as kinks, and the errors a bad
window or image gets (specs/max_pool2d.md, specs/avg_pool2d.md)."""
import random

import pytest

import reference
from checks import nested
from checks.components import COMPONENTS
from checks.families.convolution import with_ties
from checks.gradcheck import check_layer
from checks.properties import run, suite
from checks.properties.max_pool2d import scattered, to_first_maximum, windows
from reference.max_pool2d import windows_of
from tests import planted_convolution as planted

X = [[[[1.0, 3.0, 2.0, 0.0], [4.0, 3.0, 5.0, 1.0], [0.0, 2.0, 2.0, 6.0]]]]


def prop(component, name):
    return next(p for p in suite(component) if p.__name__ == name)


class MaxPool2DLastMaximum(reference.MaxPool2D):
    """Another subgradient at a tie: the last maximum of the window (in row-major order) takes all of dy."""

    def forward(self, x):
        y = super().forward(x)
        windows = windows_of(x, self.kernel, self.stride, "MaxPool2D")
        self.winners = [[[max(k for k, v in enumerate(window) if v == max(window)) for window in plane]
                         for plane in image] for image in windows]
        return y


def test_the_stride_defaults_to_the_kernel_size_and_takes_ints_or_pairs():
    assert reference.MaxPool2D(2).forward(X) == reference.MaxPool2D(2, 2).forward(X) == [[[[4.0, 5.0]]]]
    assert reference.MaxPool2D((2, 3), (1, 1)).forward(X) == [[[[5.0, 5.0], [5.0, 6.0]]]]
    assert reference.AvgPool2D((3, 1), 2).forward(X) == [[[[5 / 3, 3.0]]]]


@pytest.mark.parametrize("make, words", [
    (lambda: reference.MaxPool2D(0), "MaxPool2D: kernel_size must be an int >= 1 or a pair of them (height, width), "
                                     "got 0"),
    (lambda: reference.AvgPool2D((2, 1.5)), "AvgPool2D: kernel_size must be an int >= 1 or a pair"),
    (lambda: reference.MaxPool2D(2, -1), "MaxPool2D: stride must be an int >= 1 or a pair"),
    (lambda: reference.AvgPool2D(4).forward(X),
     "AvgPool2D: the window 4x4 must fit inside the image, got an image of 3x4"),
    (lambda: reference.MaxPool2D((4, 1)).forward(X),
     "MaxPool2D: the window 4x1 must fit inside the image, got an image of 3x4"),
])
def test_a_bad_window_is_a_one_line_error_naming_the_rule(make, words):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value).startswith(words) and "\n" not in str(error.value)


def test_overlapping_windows_add_and_the_checker_names_the_overwrite():
    layer = reference.MaxPool2D(2, 1)
    layer.forward(X)
    assert layer.backward([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]])[0][0][1] == [5.0, 0.0, 10.0, 0.0]
    report = check_layer(planted.MaxPool2DOverwritesOverlap(2, 1), X, "max_pool2d")
    assert report.diagnosis == "overwritten-overlap", report.message()
    assert "must add up (dx[...] += ...), not replace each other (dx[...] = ...)" in report.message()
    outcome = run(prop("max_pool2d", "overlapping_windows_add_their_gradients"),
                  COMPONENTS["max_pool2d"].subject(planted.MaxPool2DOverwritesOverlap))
    assert not outcome.passed and "(+=, not =)" in outcome.message, outcome.message


def test_an_average_pool_that_overwrites_is_named_too():
    report = check_layer(planted.AvgPool2DOverwritesOverlap(2, 1), X, "avg_pool2d")
    assert report.diagnosis == "overwritten-overlap", report.message()


def test_without_overlap_the_overwrite_is_harmless_and_passes():
    assert check_layer(planted.MaxPool2DOverwritesOverlap(2), X, "max_pool2d").passed


def test_a_tie_is_a_kink_that_accepts_either_tied_entry_like_relu_at_0():
    """At a tie, moving one tied entry up moves y and moving it down does not: the one-sided quotients differ, so the
    checker reports a kink and accepts any slope between them, the first maximum (the spec) or the last."""
    x = with_ties(random.Random(0), (2, 2, 4, 5))
    for layer in (reference.MaxPool2D((2, 3), (1, 2)), MaxPool2DLastMaximum((2, 3), (1, 2))):
        report = check_layer(layer, x, "max_pool2d")
        assert report.passed, report.message()
        kinks = {e.index for e in report.kinks}
        assert {(0, 0, 0, 0), (0, 0, 0, 1), (1, 1, 3, 3), (1, 1, 3, 4)} <= kinks, kinks
        assert "kink at dx[0][0][0][0]: analytic" in report.message()


def test_the_tie_convention_is_a_property_graded_as_relu_s_is():
    """The gradient check accepts any subgradient at a tie; a property holds the spec's (the first maximum takes
    all), graded under "convention" like ReLU'(0) = 0. dy sent to every tied maximum is no subgradient (the window
    passes its dy on twice): a property that every split obeys catches it."""
    from checks.grading.checklist import CONVENTIONS
    tie, once = prop("max_pool2d", "a_tie_sends_dy_to_the_first_maximum_alone"), \
        prop("max_pool2d", "each_window_passes_its_dy_on_once")
    assert tie.__name__ in CONVENTIONS and once.__name__ not in CONVENTIONS
    assert run(tie, COMPONENTS["max_pool2d"].subject()).passed
    last = COMPONENTS["max_pool2d"].subject(MaxPool2DLastMaximum)
    outcome = run(tie, last)
    assert not outcome.passed and "first of its tied maxima in row-major order" in outcome.message, outcome.message
    assert run(once, last).passed
    every = run(once, COMPONENTS["max_pool2d"].subject(planted.MaxPool2DEveryTiedMaximum))
    assert not every.passed and "every tied maximum" in every.message, every.message


def test_dy_sent_to_every_tied_maximum_passes_the_gradient_check_entry_by_entry():
    """Why the tie rule is a property: entry by entry, dy lies between a tied entry's one-sided quotients (0 and dy),
    so each entry alone is accepted as a kink."""
    x = with_ties(random.Random(0), (2, 2, 4, 5))
    assert check_layer(planted.MaxPool2DEveryTiedMaximum((2, 3), (1, 2)), x, "max_pool2d").passed


def test_without_ties_each_window_of_dx_has_one_nonzero_at_its_maximum():
    x = [[[[0.5, -1.0, 2.5, 0.0], [1.5, 3.0, -2.0, 1.0]], [[4.0, 1.0, 0.0, -1.0], [2.0, 3.5, 5.0, 0.25]]]]
    dy = [[[[1.0, -2.0]], [[0.5, 3.0]]]]
    layer = reference.MaxPool2D(2)
    layer.forward(x)
    assert layer.backward(dy) == [[[[0.0, 0.0, -2.0, 0.0], [0.0, 1.0, 0.0, 0.0]],
                                   [[0.5, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]]]]
    assert scattered(x, dy, windows(nested.shape(x), 2, None), to_first_maximum) == layer.backward(dy)


def test_average_pool_spreads_dy_evenly_and_a_missing_division_is_a_scale():
    layer = reference.AvgPool2D(2)
    layer.forward(X)
    assert layer.backward([[[[4.0, 8.0]]]]) == [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]]]]
    report = check_layer(planted.AvgPool2DBackwardNotDivided(2), X, "avg_pool2d")
    assert report.diagnosis == "scale" and "dx equals 4 times the numeric gradient" in report.evidence, report.message()


def test_the_checks_use_overlapping_non_square_windows_and_points_with_ties():
    for name in ("max_pool2d", "avg_pool2d"):
        layer = COMPONENTS[name].build(COMPONENTS[name].reference)
        assert (layer.kernel, layer.stride) == ((2, 3), (1, 2))
    x = COMPONENTS["max_pool2d"].points(random.Random(1))
    assert x[0][0][0][0] == x[0][0][0][1] and 0 < x[1][1][3][4] - x[1][1][3][3] < 1e-5
