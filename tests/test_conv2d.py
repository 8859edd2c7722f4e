"""Conv2D: a cross-correlation computed from im2col rows, its refusals, and the bugs its checks name
(specs/conv2d.md, specs/tensor.md)."""
import random

import pytest

import reference
from checks import nested
from checks.components import COMPONENTS
from checks.gradcheck import check_layer
from checks.properties import run, suite
from checks.suite import gradient_reports
from tests import planted, planted_convolution as bugs


def by_the_definition(x, w, b, stride, padding):
    """y[n][f][i][j] = b[f] + sum_{c,a,e} W[f][c][a][e] xp[n][c][i sh + a][j sw + e], four loops deep."""
    (n, c, h, wd), (f, _, kh, kw) = nested.shape(x), nested.shape(w)
    (sh, sw), (ph, pw) = stride, padding

    def xp(m, k, r, q):
        r, q = r - ph, q - pw
        return x[m][k][r][q] if 0 <= r < h and 0 <= q < wd else 0.0

    rows, cols = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    return [[[[b[g] + sum(w[g][k][a][e] * xp(m, k, i * sh + a, j * sw + e)
                          for k in range(c) for a in range(kh) for e in range(kw))
               for j in range(cols)] for i in range(rows)] for g in range(f)] for m in range(n)]


@pytest.mark.parametrize("arguments, dims", [
    ((2, 3, 3, 1, 1), (2, 2, 5, 4)), ((1, 2, (3, 2), (2, 1), (1, 0)), (3, 1, 6, 5)), ((3, 2, 2, 2, 0), (1, 3, 5, 5)),
    ((2, 2, 1), (2, 2, 3, 2)), ((1, 1, (1, 4), (1, 3), (0, 2)), (1, 1, 2, 7))])
def test_forward_is_the_definition_and_the_gradient_check_passes(arguments, dims):
    rng = random.Random(str(arguments))
    layer = reference.Conv2D(*arguments, seed=3)
    layer.params["b"] = [rng.gauss(0.0, 1.0) for _ in layer.params["b"]]
    x = nested.gaussian(rng, dims)
    want = by_the_definition(x, layer.params["W"], layer.params["b"], layer.stride, layer.padding)
    got = layer.forward(x)
    assert nested.shape(got) == nested.shape(want)
    assert all(abs(u - v) <= 1e-12 for u, v in zip(nested.flatten(got), nested.flatten(want)))
    report = check_layer(layer, x, "conv2d")
    assert report.passed, report.message()


def test_initial_weights_are_dense_s_xavier_draw_for_a_window_column_by_column():
    layer = reference.Conv2D(2, 3, (2, 1), seed=5)
    dense = reference.Dense(2 * 2 * 1, 3, seed=5)
    assert [nested.flatten(w) for w in layer.params["W"]] == [list(c) for c in zip(*dense.params["W"])]
    assert layer.params["b"] == [0.0, 0.0, 0.0] and nested.shape(layer.grads["W"]) == (3, 2, 2, 1)


@pytest.mark.parametrize("named, message", [
    ({"kernel_size": 0}, "kernel_size must be an int >= 1 or a pair of them (height, width), got 0"),
    ({"kernel_size": (3, 2, 1)}, "kernel_size must be an int >= 1 or a pair of them (height, width), got (3, 2, 1)"),
    ({"kernel_size": 2.5}, "kernel_size must be an int >= 1 or a pair of them (height, width), got 2.5"),
    ({"kernel_size": 3, "stride": (1, 0)}, "stride must be an int >= 1 or a pair of them (height, width), got (1, 0)"),
    ({"kernel_size": 3, "padding": -1}, "padding must be an int >= 0 or a pair of them (height, width), got -1"),
    ({"kernel_size": True}, "kernel_size must be an int >= 1 or a pair of them (height, width), got True"),
])
def test_bad_arguments_are_refused_in_one_line_naming_the_rule(named, message):
    with pytest.raises(ValueError) as refused:
        reference.Conv2D(1, 2, **named)
    assert str(refused.value) == f"Conv2D: {message}"


@pytest.mark.parametrize("x, message", [
    ([[[1.0, 2.0]]], "x must be a batch (N, C, H, W) of N >= 1 images with C = in_channels = 2, got shape (1, 1, 2)"),
    ([], "x must be a batch (N, C, H, W) of N >= 1 images with C = in_channels = 2, got shape (0,)"),
    ([[[[1.0]], [[2.0]], [[3.0]]]], "with C = in_channels = 2, got shape (1, 3, 1, 1)"),
    ([[[[1.0, 2.0]], [[3.0, 4.0]]]], "the padded image (H + 2 ph, W + 2 pw) = (1, 2) must be at least as large as the "
                                     "kernel (KH, KW) = (2, 2)"),
])
def test_a_batch_of_the_wrong_shape_is_refused_naming_the_rule(x, message):
    with pytest.raises(ValueError, match="^Conv2D: ") as refused:
        reference.Conv2D(2, 1, 2).forward(x)
    assert message in str(refused.value)


def test_overlapping_windows_add_their_gradients():
    """Stride 1 and a 2 x 2 kernel of ones: the centre pixel of a 3 x 3 image is in all four windows."""
    layer = reference.Conv2D(1, 1, 2)
    layer.params["W"] = [[[[1.0, 1.0], [1.0, 1.0]]]]
    layer.forward([[[[0.0] * 3 for _ in range(3)]]])
    assert layer.backward([[[[1.0, 1.0], [1.0, 1.0]]]]) == [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]


def test_the_reference_passes_its_gradient_check_and_its_properties():
    assert all(r.passed for r in gradient_reports(COMPONENTS["conv2d"])), "Conv2D fails its gradient check"
    subject = COMPONENTS["conv2d"].subject()
    failed = [o for o in (run(p, subject) for p in suite("conv2d")) if not o.passed]
    assert not failed, failed


def test_every_classic_mistake_is_planted_and_in_the_lists_the_gradient_and_property_tests_read():
    mine = {c.__name__ for c in planted.EVERY if c.component == "conv2d"}
    assert mine == {"Conv2DKernelFlipped", "Conv2DTrueConvolution", "Conv2DStrideIgnoredInBackward",
                    "Conv2DPaddingNotCutOff", "Conv2DFiltersAndChannelsSwappedInDW", "Conv2DStrideOnRowsOnly"}
    assert {c.diagnosis for c in planted.GRADIENT_BUGS if c.component == "conv2d"} == {
        "flipped-kernel", "stride-ignored", "padding-kept", "axes-swapped"}


@pytest.mark.parametrize("bug, evidence", [
    (bugs.Conv2DKernelFlipped, "dx is the gradient of the layer with its kernel flipped"),
    (bugs.Conv2DStrideIgnoredInBackward, "but forward slid the windows by the stride (2, 2)"),
    (bugs.Conv2DPaddingNotCutOff, "dx has shape (2, 2, 7, 6), the shape of the padded input"),
    (bugs.Conv2DFiltersAndChannelsSwappedInDW, "dW has shape (2, 3, 3, 3), (C, F, KH, KW)"),
])
def test_each_gradient_mistake_is_named_with_its_evidence(bug, evidence):
    report = gradient_reports(COMPONENTS["conv2d"], bug)[0]
    assert not report.passed and report.diagnosis == bug.diagnosis, report.message()
    assert evidence in report.message()


def test_with_stride_1_the_stride_diagnosis_stays_silent_and_a_flip_of_a_square_dw_is_still_named():
    """stride-ignored needs a stride > 1 to be told apart; axes-swapped with C = F is read from the values."""
    x = nested.gaussian(random.Random(4), (2, 2, 4, 5))
    assert check_layer(bugs.Conv2DStrideIgnoredInBackward(2, 2, 3, 1, 1), x, "conv2d").passed
    report = check_layer(bugs.Conv2DFiltersAndChannelsSwappedInDW(2, 2, 3, 1, 1), x, "conv2d")
    assert report.diagnosis == "axes-swapped", report.message()
    assert "is (F, C, KH, KW) but its values are the numeric gradient with the filter and channel axes swapped" \
        in report.message()


def test_a_consistent_flip_passes_the_gradient_check_and_the_one_hot_property_names_it():
    assert all(r.passed for r in gradient_reports(COMPONENTS["conv2d"], bugs.Conv2DTrueConvolution))
    prop = next(p for p in suite("conv2d") if p.__name__ == "a_one_hot_filter_picks_one_pixel")
    outcome = run(prop, COMPONENTS["conv2d"].subject(bugs.Conv2DTrueConvolution))
    assert not outcome.passed and "Conv2D is a cross-correlation, no kernel flip" in outcome.message


def test_the_diagnoses_of_other_layers_are_untouched_by_the_convolution_hypotheses():
    report = check_layer(planted.DenseTransposed(3, 2), [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "dense")
    assert report.diagnosis == "transposed"


class ForwardFlipsTheKernel(reference.Conv2D):
    """forward computes a true convolution (the kernel turned by 180 degrees), backward the spec's cross-correlation."""

    def forward(self, x):
        return bugs.with_kernel_turned(self, super().forward, x)


def test_a_forward_that_flips_against_a_backward_that_does_not_is_named_at_dx_and_at_dw():
    report = gradient_reports(COMPONENTS["conv2d"], ForwardFlipsTheKernel)[0]
    assert report.diagnosis == "flipped-kernel", report.message()
    assert {b.name: b.diagnosis for b in report.blocks if not b.passed} == {"dx": "flipped-kernel",
                                                                             "dW": "flipped-kernel"}


@pytest.mark.parametrize("argument, value, rule", [("stride", 0, "an int >= 1"), ("stride", (2, 0), "an int >= 1"),
                                                   ("padding", -1, "an int >= 0")])
def test_a_stride_or_padding_out_of_range_is_refused_in_one_line_naming_it(argument, value, rule):
    with pytest.raises(ValueError) as refused:
        reference.Conv2D(1, 1, 2, **{argument: value})
    assert str(refused.value) == (f"Conv2D: {argument} must be {rule} or a pair of them (height, width), "
                                  f"got {value!r}")


@pytest.mark.parametrize("kernel, padded", [((4, 2), (3, 4)), ((2, 5), (3, 4))])
def test_a_kernel_larger_than_the_padded_image_in_one_direction_is_refused_with_both_sizes(kernel, padded):
    """An image 1x2 with padding 1 is 3x4 once padded: too short for a kernel of 4 rows, too narrow for 5 columns."""
    with pytest.raises(ValueError) as refused:
        reference.Conv2D(2, 1, kernel, padding=1).forward([[[[1.0, 2.0]], [[3.0, 4.0]]]])
    assert str(refused.value) == (f"Conv2D: the padded image (H + 2 ph, W + 2 pw) = {padded} must be at least as "
                                  f"large as the kernel (KH, KW) = {kernel}")
