"""The benchmark compares like with like: every implementation computes the same loss and gradients.

No test here looks at a time: the speed figures belong to `make bench` and the README.
"""
import math

import pytest

import reference
from checks.instruments import bench, bench_cnn, cnn, implementations, peers, sequence_bench
from checks.instruments.compare_recurrent import windows

TOLERANCE = 1e-12  # the implementations add in different orders; they agree to rounding


def flatten(value):
    """Every number of a nested list, in order."""
    if isinstance(value, list):
        return [v for item in value for v in flatten(item)]
    return [value]


def assert_close(got, expected, what):
    got, expected = flatten(got), flatten(expected)
    assert len(got) == len(expected), f"{what}: {len(got)} numbers, expected {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert math.isclose(g, e, rel_tol=TOLERANCE, abs_tol=TOLERANCE), f"{what}, number {i}: got {g!r}, expected {e!r}"


@pytest.fixture(scope="module")
def batch():
    """The first batch of 64 training rows: x (64, 5), t (64, 1)."""
    return implementations.training_data(implementations.BATCH)


@pytest.fixture(scope="module")
def expected(batch):
    """The reference's loss and gradients [dW1, db1, dW2, db2] at the initial weights."""
    return implementations.Reference(implementations.initial_weights()).gradients(*batch)


def runnable_peers():
    """The implementation classes that can run here: micrograd and torch only when installed."""
    classes = [implementations.Learner]
    if peers.micrograd_available():
        classes.append(peers.Micrograd)
    if peers.torch_available():
        classes += [peers.Torch, peers.TorchBare]
    return classes


def test_the_reference_gradients_have_the_shapes_of_the_5_8_1_mlp(expected):
    L, (dW1, db1, dW2, db2) = expected
    assert L > 0.0
    assert (len(dW1), len(dW1[0]), len(db1), len(dW2), len(dW2[0]), len(db2)) == (5, 8, 8, 8, 1, 1)
    assert len(flatten([dW1, db1, dW2, db2])) == 57


@pytest.mark.parametrize("cls", runnable_peers(), ids=lambda cls: cls.name)
def test_a_peer_computes_the_reference_loss_and_gradients_on_one_batch(cls, batch, expected):
    L, grads = cls(implementations.initial_weights()).gradients(*batch)
    assert_close(L, expected[0], f"{cls.name}: the loss")
    assert_close(grads, expected[1], f"{cls.name}: the gradients [dW1, db1, dW2, db2]")


def assert_same_steps(ours, theirs, x, t, steps):
    """steps steps of gradient descent on (x, t) from the same weights give the same losses on both sides."""
    xs, ts = theirs.prepare(x, t)
    for step in range(steps):
        L = theirs.step(xs, ts)
        L = L.item() if hasattr(L, "item") else L  # torch returns a tensor
        assert_close(L, ours.step(x, t), f"{theirs.name}: the loss before step {step + 1}")


@pytest.mark.parametrize("cls", runnable_peers(), ids=lambda cls: cls.name)
def test_a_peer_takes_the_reference_steps(cls, batch):
    """Three steps of gradient descent from the same weights give the same losses."""
    assert_same_steps(implementations.Reference(implementations.initial_weights()),
                      cls(implementations.initial_weights()), *batch, 3)


@pytest.mark.skipif(not hasattr(reference, "SGD"), reason="reference.SGD is not in this tree")
def test_the_inline_update_is_the_update_of_reference_sgd():
    params = {"W": [[1.0, -2.0], [0.5, 3.0]], "b": [0.25, -0.75]}
    grads = {"W": [[0.5, 1.0], [-1.5, 2.0]], "b": [1.0, -0.5]}
    inline = {"W": [list(row) for row in params["W"]], "b": list(params["b"])}
    reference.SGD(0.1).step(params, grads)
    implementations.InlineSGD(0.1).step(inline, grads)
    assert inline == params


def test_the_benchmark_runs_in_a_tiny_mode():
    lines = []
    code = bench.main(["--rows", "128", "--repeats", "1", "--no-make-check", "--no-sequences"], out=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "128 training rows" in output
    assert any(line.startswith("reference ") and line.endswith("1.00x") for line in lines), output
    assert "How cost grows" in output and "Targets:" in output
    assert "57 parameters" in output and "passed." in output


def test_the_benchmark_refuses_a_repeat_count_below_one(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--repeats", "0"])
    assert exit_info.value.code == 2
    assert "--repeats" in capsys.readouterr().err


# The LSTM on the bike windows -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def window_batch():
    """The first batch of 32 training windows: x (32, 24, 6), t (32, 1)."""
    return windows(sequence_bench.BATCH)


@pytest.fixture(scope="module")
def lstm_expected(window_batch):
    """The reference LSTM model's loss and gradients [dWx, dWh, db, dW, dc] at the initial weights."""
    return sequence_bench.Reference(sequence_bench.initial_weights()).gradients(*window_batch)


def sequence_peers():
    return [sequence_bench.Plain] + ([sequence_bench.Torch] if peers.torch_available() else [])


@pytest.mark.parametrize("cls", sequence_peers(), ids=lambda cls: cls.name)
def test_an_lstm_peer_computes_the_reference_loss_and_gradients_on_one_batch(cls, window_batch, lstm_expected):
    L, grads = cls(sequence_bench.initial_weights()).gradients(*window_batch)
    assert_close(L, lstm_expected[0], f"{cls.name}: the loss")
    assert_close(grads, lstm_expected[1], f"{cls.name}: the gradients [dWx, dWh, db, dW, dc]")
    assert len(flatten(grads)) == 6 * 64 + 16 * 64 + 64 + 16 + 1


@pytest.mark.parametrize("cls", sequence_peers(), ids=lambda cls: cls.name)
def test_an_lstm_peer_takes_the_reference_steps(cls, window_batch):
    assert_same_steps(sequence_bench.Reference(sequence_bench.initial_weights()),
                      cls(sequence_bench.initial_weights()), *window_batch, 2)


class PlainWithoutCellCarry(sequence_bench.Plain):
    """Backward reads every forget gate as 0: dc is not carried to the previous step, the classic mistake that the
    comparison must catch (the states, and so the loss, are those of the true forward pass)."""

    def forward(self, x):
        h, c, gates = super().forward(x)
        return h, c, [(i, [[0.0] * len(row) for row in f], g, o) for i, f, g, o in gates]


def test_an_lstm_that_drops_the_cell_gradient_disagrees_with_the_reference(window_batch, lstm_expected):
    L, grads = PlainWithoutCellCarry(sequence_bench.initial_weights()).gradients(*window_batch)
    assert_close(L, lstm_expected[0], "the loss (forward is unchanged)")
    with pytest.raises(AssertionError, match="the gradients"):
        assert_close(grads, lstm_expected[1], "the gradients")


def test_the_sequence_row_runs_in_a_tiny_mode():
    lines = []
    code = bench.main(["--rows", "32", "--repeats", "1", "--no-make-check", "--no-growth", "--no-cnn"], out=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "One epoch of LSTM(6, 16) -> LastStep -> Dense(16, 1) on " in output
    assert any(line.startswith("reference ") and line.endswith("1.00x") for line in lines), output
    assert any(line.startswith("plain ") for line in lines), output
    assert "Gradient check of LSTM(D = 5, H = 4) on x (N = 3, T = 6, D = 5): 250 entries" in output
    assert "passed (target < 1 s of CPU time: " in output


# The digits CNN ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def images():
    """The first batch of 32 digits: x (32, 1, 8, 8), labels (32,)."""
    return cnn.digits_data(cnn.BATCH)


@pytest.fixture(scope="module")
def cnn_expected(images):
    """The reference CNN's loss and gradients [dW, db, dWd, dbd] at the initial weights."""
    return cnn.Reference(cnn.initial_weights()).gradients(*images)


def cnn_peers():
    return [cnn.Plain, bench_cnn.PlainNoInputGradient] + ([cnn.Torch] if peers.torch_available() else [])


def test_the_cnn_gradients_have_the_shapes_of_the_digits_network(cnn_expected):
    L, (dW, db, dWd, dbd) = cnn_expected
    assert 2.0 < L < 3.0  # about log 10 at the start
    assert (len(dW), len(dW[0]), len(dW[0][0]), len(dW[0][0][0]), len(db), len(dWd), len(dWd[0]), len(dbd)) == (
        8, 1, 3, 3, 8, 128, 10, 10)
    assert len(flatten([dW, db, dWd, dbd])) == 1370


@pytest.mark.parametrize("cls", cnn_peers(), ids=lambda cls: cls.name)
def test_a_cnn_peer_computes_the_reference_loss_and_gradients(cls, images, cnn_expected):
    L, grads = cls(cnn.initial_weights()).gradients(*images)
    assert_close(L, cnn_expected[0], f"{cls.name}: the loss")
    assert_close(grads, cnn_expected[1], f"{cls.name}: the gradients [dW, db, dWd, dbd]")


@pytest.mark.parametrize("cls", cnn_peers(), ids=lambda cls: cls.name)
def test_a_cnn_peer_takes_the_reference_steps(cls):
    x, t = cnn.digits_data(3 * cnn.BATCH)
    ours, theirs = cnn.Reference(cnn.initial_weights()), cls(cnn.initial_weights())
    xs, ts = theirs.prepare(x, t)
    for step in range(3):
        batch = slice(step * cnn.BATCH, (step + 1) * cnn.BATCH)
        L = theirs.step(xs[batch], ts[batch])
        L = L.item() if hasattr(L, "item") else L
        assert_close(L, ours.step(x[batch], t[batch]), f"{cls.name}: the loss before step {step + 1}")


def test_a_plain_cnn_with_a_flipped_kernel_does_not_compute_the_reference_gradients(images, cnn_expected):
    class Flipped(cnn.Plain):
        def __init__(self, weights):
            super().__init__(weights)
            self.filters = [f[::-1] for f in self.filters]  # convolution in the textbook's sense: the kernel flipped

    _, grads = Flipped(cnn.initial_weights()).gradients(*images)
    with pytest.raises(AssertionError, match="the gradients"):
        assert_close(grads, cnn_expected[1], "flipped: the gradients")


def test_the_teaching_size_cnn_passes_a_full_gradient_check():
    seconds, report = bench_cnn.teaching_gradient_check(repeats=1)
    assert report.passed, report
    assert sum(len(b.entries) for b in report.blocks) == 2 * 9 + 2 + 8 * 10 + 10 + 2 * 16  # params, then x


def test_the_benchmark_times_the_cnn_in_a_tiny_mode():
    lines = []
    code = bench.main(["--rows", "64", "--repeats", "1", "--no-make-check", "--no-growth", "--no-sequences"],
                      out=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "One epoch of the digits CNN" in output and "64 images" in output
    assert any(line.startswith("plain Python ") for line in lines), output
    assert "reference CNN epoch vs plain Python" in output and "teaching-size CNN" in output
    assert "micrograd in its fastest mode: one example per step" in output or not peers.micrograd_available()
