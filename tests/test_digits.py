"""The digits load as documented, split by class, refuse a malformed file with one line, and make a baseline task
that a model which learns passes and a constant does not."""
import hashlib
import types

import pytest

import reference
from checks import baseline
from checks.kinds import DIGITS
from reference.trainer.bike_sharing import DataError
from reference.trainer.digits import DIGITS_CSV, class_counts, load, stratified_split


class FlattenImages:
    """(N, 1, 8, 8) -> (N, 64), row-major: lets a Dense network read the images in these tests."""

    params, grads, training = {}, {}, True

    def forward(self, x):
        return [[v for channel in image for row in channel for v in row] for image in x]

    def backward(self, dy):
        return [[[row[r * 8:(r + 1) * 8] for r in range(8)]] for row in dy]


def digits_component(model):
    """A declaration-like object with the digits task and the given (implementation -> (model, loss))."""
    return types.SimpleNamespace(name="digits_model", task=DIGITS, model=model, reference=None)


def softmax_regression(implementation=None):
    """Dense(64, 10) on flattened images, trained with softmax cross-entropy."""
    return reference.Sequential([FlattenImages(), reference.Dense(64, 10, seed=0)]), reference.SoftmaxCrossEntropy()


def test_the_shipped_file_is_the_documented_one():
    with open(DIGITS_CSV, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert digest == "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"


def test_load_gives_images_n_1_8_8_in_unit_range_and_int_labels():
    images, labels = load()
    assert (len(images), len(images[0]), len(images[0][0]), len(images[0][0][0])) == (1797, 1, 8, 8)
    assert images[0][0][0] == [0.0, 0.0, 5 / 16, 13 / 16, 9 / 16, 1 / 16, 0.0, 0.0]  # the file's first 8 counts / 16
    assert images[0][0][6][4] == 10 / 16  # pixel 52 is row 6, column 4
    assert all(0.0 <= v <= 1.0 for image in images for row in image[0] for v in row)
    assert max(v for image in images for row in image[0] for v in row) == 1.0
    assert labels[:5] == [0, 1, 2, 3, 4] and all(type(c) is int for c in labels)
    assert class_counts(labels) == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_split_keeps_every_class_in_proportion_and_loses_no_image():
    images, labels = load()
    (x_train, y_train), (x_test, y_test) = stratified_split(images, labels)
    assert (len(x_train), len(x_test)) == (1438, 359)
    for whole, test in zip(class_counts(labels), class_counts(y_test)):
        assert test == round(0.2 * whole)
    assert sorted(map(str, x_train + x_test)) == sorted(map(str, images))
    assert y_train[:10] != sorted(y_train[:10])  # the digits are mixed, not in blocks


def test_the_split_is_the_same_for_the_same_seed_and_different_for_another():
    images, labels = load()
    first, again, other = (stratified_split(images, labels, seed=s)[1][1] for s in (0, 0, 1))
    assert first == again
    assert first != other


def test_split_fractions_must_be_positive_and_sum_to_one():
    with pytest.raises(ValueError, match="split fractions must be positive and sum to 1"):
        stratified_split([[0.0]] * 4, [0, 1, 0, 1], (0.5, 0.6))


def line(pixels=None, digit="3"):
    return ",".join(pixels or ["0"] * 64) + "," + digit


@pytest.mark.parametrize("text, message", [
    (line() + "\n" + ",".join(["0"] * 64) + "\n", "bad.csv, line 2: expected 65 fields (64 pixels, then the digit), got 64"),
    (line(["0"] * 10 + ["17"] + ["0"] * 53), "bad.csv, line 1, pixel 10: expected an integer 0..16, got '17'"),
    (line(["0"] * 5 + ["1.5"] + ["0"] * 58), "bad.csv, line 1, pixel 5: expected an integer 0..16, got '1.5'"),
    (line(["0"] * 5 + ["-1"] + ["0"] * 58), "bad.csv, line 1, pixel 5: expected an integer 0..16, got '-1'"),
    (line(digit="12"), "bad.csv, line 1, the digit: expected an integer 0..9, got '12'"),
    (line(digit="seven"), "bad.csv, line 1, the digit: expected an integer 0..9, got 'seven'"),
    ("\n\n", "bad.csv: the file is empty; expected one image per line"),
])
def test_a_malformed_file_gets_one_line_naming_file_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError) as error:
        load(str(path))
    assert str(error.value) == message


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="^nothing.csv: cannot be read as CSV"):
        load(str(tmp_path / "nothing.csv"))


def test_the_baseline_task_is_a_small_stratified_sample_scored_on_held_out_images():
    (x_train, y_train), (x_test, y_test) = baseline.TASKS[DIGITS].data()
    assert (len(x_train), len(x_test)) == (434, 359)
    assert min(class_counts(y_train)) >= 42
    assert baseline.TASKS[DIGITS].targets(y_train, y_train) == y_train  # class indices for SoftmaxCrossEntropy
    x_train[0][0][0][0] = 99.0  # a model may edit its data; the next one gets it as loaded
    assert baseline.TASKS[DIGITS].data()[0][0][0][0][0][0] == 0.0


def test_the_constant_is_the_training_priors_cross_entropy():
    task = baseline.TASKS[DIGITS]
    assert task.constant_name == "the prior"
    assert task.constant([0, 0, 1, 1], [0, 1]) == pytest.approx(0.6931471805599453)  # prior (1/2, 1/2): log 2
    assert task.constant([0, 0, 0, 1], [1]) == pytest.approx(1.3862943611198906)  # prior 1/4 for the label: log 4
    assert 2.29 < task.constant(*[part[1] for part in task.data()]) < 2.31  # ten nearly equal classes: log 10


def test_the_score_is_the_cross_entropy_of_softmax_of_the_outputs():
    score = baseline.TASKS[DIGITS].score
    assert score([[0.0, 0.0]], [1]) == pytest.approx(0.6931471805599453)
    assert score([[5.0, 0.0, 0.0]], [0]) < score([[0.0, 5.0, 0.0]], [0])


def test_the_summary_line_describes_the_images():
    assert baseline.data_summary(DIGITS) == ("434 training images (1, 8, 8) of handwritten digits, pixels in [0, 1], "
                                             "10 classes with 42-44 images each")


def test_a_model_that_learns_beats_the_prior_on_held_out_digits():
    result = baseline.run(digits_component(softmax_regression))
    assert result.passed, result
    assert result.metric == "cross-entropy"


def test_a_model_with_its_gradient_reversed_does_not_beat_the_prior():
    class Ascent(reference.SoftmaxCrossEntropy):
        def backward(self):
            return [[-g for g in row] for row in super().backward()]

    result = baseline.run(digits_component(lambda implementation: (softmax_regression()[0], Ascent())))
    assert not result.passed
    assert result.model_score > baseline.MARGIN * result.baseline_score
