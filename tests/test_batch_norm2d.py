"""BatchNorm2D: BatchNorm over the (N H W, C) rows of channel vectors, its statistics per channel over (N, H, W), the
batches it refuses, and the diagnosis of its missing statistics paths (specs/batch_norm2d.md)."""
import random

import pytest

import reference
from checks import nested
from checks.components import COMPONENTS
from checks.gradcheck import check_layer
from checks.properties import run, suite
from checks.registry import normalization
from reference.batch_norm2d import channels_of, to_images
from tests import planted_convolution as planted

X = nested.gaussian(random.Random(3), (2, 3, 2, 3), 1.5)


def rows_of(x):
    """x (N, C, H, W) -> the (N H W, C) rows of channel vectors, one per pixel, in the order (n, h, w)."""
    return [[image[c][i][j] for c in range(len(image))] for image in x for i in range(len(image[0]))
            for j in range(len(image[0][0]))]


def test_each_channel_comes_back_as_the_same_images():
    channels = channels_of(X)
    assert len(channels) == 3 and len(channels[0]) == 2 * 2 * 3
    assert channels[1][4] == X[0][1][1][1]  # pixel (n, h, w) = (0, 1, 1) is entry (0 * 2 + 1) * 3 + 1
    assert to_images(channels, 2, 2, 3) == X


def test_it_is_batch_norm_on_the_rows_of_channel_vectors_in_both_modes():
    """Each pixel's channel vector a row of BatchNorm: the same numbers, to the last bit, in both modes."""
    images, rows = normalization(reference.BatchNorm2D, 3), normalization(reference.BatchNorm, 3)
    dy = nested.gaussian(random.Random(4), (2, 3, 2, 3))
    for training in (True, False):
        images.training = rows.training = training
        assert rows_of(images.forward(X)) == rows.forward(rows_of(X))
        assert rows_of(images.backward(dy)) == rows.backward(rows_of(dy))
        assert images.grads == rows.grads and images.running_var == rows.running_var


def test_training_needs_two_entries_per_channel_one_image_of_two_pixels_will_do():
    layer = reference.BatchNorm2D(1)
    with pytest.raises(ValueError, match=r"^BatchNorm2D: training mode needs N H W >= 2 entries per channel"):
        layer.forward([[[[1.0]]]])
    assert layer.forward([[[[1.0, 3.0]]]]) == [[[[pytest.approx(-1.0, rel=1e-5), pytest.approx(1.0, rel=1e-5)]]]]
    assert layer.running_var == [pytest.approx(0.9 + 0.1 * 2.0)]  # the unbiased variance of two entries, N H W = 2


def test_momentum_and_eps_are_batch_norm_s_own():
    layer = reference.BatchNorm2D(1, eps=0.5, momentum=0.25)
    assert (layer.eps, layer.momentum) == (0.5, 0.25)
    layer.forward([[[[1.0, 3.0]]]])
    assert layer.running_mean == [pytest.approx(0.25 * 2.0)] and layer.running_var == [pytest.approx(0.75 + 0.25 * 2.0)]


def test_it_declares_dependent_rows_and_the_checks_seed_gamma_and_beta():
    assert reference.BatchNorm2D.rows_independent is False
    layer = COMPONENTS["batch_norm2d"].build(reference.BatchNorm2D)
    assert all(g != 1.0 for g in layer.params["gamma"]) and all(b != 0.0 for b in layer.params["beta"])


def test_missing_statistics_paths_are_named_per_channel_in_the_full_and_fast_checks():
    for fast in (False, True):
        report = check_layer(normalization(planted.BatchNorm2DWithoutStatisticsPaths, 3), X, "batch_norm2d", fast=fast)
        assert report.diagnosis == "statistics-paths", report.message()
        assert "in every channel, by a + b x" in report.message()


def test_statistics_over_the_wrong_axes_pass_their_own_gradient_check_and_fail_the_channel_rule():
    """Normalizing each (channel, pixel) over the images alone has a right backward for its forward: only the
    property that states the spec's axes can see it."""
    assert check_layer(normalization(planted.BatchNorm2DOverTheImagesOnly, 3), X, "batch_norm2d").passed
    prop = next(p for p in suite("batch_norm2d")
                if p.__name__ == "training_normalizes_each_channel_over_the_images_and_the_pixels")
    outcome = run(prop, COMPONENTS["batch_norm2d"].subject(planted.BatchNorm2DOverTheImagesOnly))
    assert not outcome.passed and "over the images and the pixels, (N, H, W)" in outcome.message


def test_a_missing_gamma_is_named_on_images_too():
    class MissingGamma(reference.BatchNorm2D):
        def backward(self, dy):
            gamma = self.params["gamma"]
            return super().backward([[[[g / gamma[c] for g in row] for row in channel]
                                      for c, channel in enumerate(image)] for image in dy])

    report = check_layer(normalization(MissingGamma, 3), X, "batch_norm2d")
    assert report.diagnosis == "missing-gamma", report.message()
