"""make compare-torch: the side-by-side comparison finds every difference, and says how to get torch without it."""
import sys

import pytest

import reference
from checks.instruments import cnn, compare_recurrent, compare_torch, implementations, peers
from tests import planted_recurrence

ROWS = 200  # 4 batches of 64 and one of 8


@pytest.fixture(scope="module")
def data():
    return implementations.training_data(ROWS)


def sides(lr_a=0.1, lr_b=0.1):
    return implementations.Reference(implementations.initial_weights(), lr_a), implementations.Reference(implementations.initial_weights(), lr_b)


def test_two_sides_that_compute_the_same_agree_exactly(data):
    rows, largest, first = compare_torch.compare(*sides(), *data, epochs=2)
    assert [r.number for r in rows] == [1, 2] and first is None
    assert largest.size == 0.0 and all(r.ours == r.theirs for r in rows)
    lines, code = compare_torch.verdict(largest, first, 10, 57)
    assert code == 0 and "under 1e-9: reference and PyTorch agree" in lines[0]


def test_a_side_that_steps_differently_diverges_at_the_second_step_and_is_named(data):
    """Both start from the same weights, so the first gradients agree; a different lr shows from step 2 on."""
    rows, largest, first = compare_torch.compare(*sides(0.1, 0.2), *data, epochs=1)
    assert (first.epoch, first.step) == (1, 2) and first.size > 1e-9
    assert first.name in compare_torch.NAMES and largest.size >= first.size
    lines, code = compare_torch.verdict(largest, first, 4, 57)
    assert code == 1
    assert lines[0].startswith(f"reference and PyTorch diverged: at epoch 1, step 2, {first.name}[")
    assert f"(reference {first.ours!r}, PyTorch {first.theirs!r})" in lines[0]


def test_the_largest_difference_names_the_entry():
    ours = [[[1.0, 2.0]], [0.5, 0.5], [[1.0], [3.0]], [0.0]]
    theirs = [[[1.0, 2.0]], [0.5, 0.5], [[1.0], [3.5]], [0.0]]
    found = compare_torch.largest_difference(ours, theirs, 3, 7)
    assert (found.size, found.where(), found.ours, found.theirs) == (0.5, "epoch 3, step 7, 2.W[1][0]", 3.0, 3.5)


NEEDS_TORCH = pytest.mark.skipif(not peers.torch_available(), reason="torch is not installed: make compare-torch "
                                                                    "installs its CPU build, make test does not need it")


@NEEDS_TORCH
def test_reference_and_torch_agree_to_1e_9_on_a_short_run():
    printed = []
    assert compare_torch.main(["--rows", str(ROWS), "--epochs", "2", "--no-recurrent", "--cnn-epochs", "0"],
                              out=printed.append) == 0
    assert printed[-1].startswith("Largest gradient difference over 8 steps and 57 parameters: ")
    assert printed[-1].endswith("under 1e-9: reference and PyTorch agree.")
    assert "epoch    reference loss" in "\n".join(printed)


def test_without_torch_it_says_how_to_install_it_and_exits_0(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    printed = []
    assert compare_torch.main([], out=printed.append) == 0
    text = "\n".join(printed)
    assert text.startswith("PyTorch is not installed here") and "torch==2.13.0+cpu" in text
    assert "make compare-torch" in text and "pip install" in text and len(text.splitlines()) <= 6


@pytest.fixture(scope="module")
def windows():
    """The first 32 training windows of the bike data: two batches of 16."""
    return compare_recurrent.windows(32)


def test_the_recurrent_comparison_names_the_entry_that_differs_most():
    ours = {"Wx": [[1.0, 2.0]], "dh0": [[0.5]]}
    theirs = {"Wx": [[1.0, 2.25]], "dh0": [[0.0]]}
    found = compare_recurrent.largest(ours, theirs, 4)
    assert (found.size, found.name, found.index, found.step) == (0.5, "dh0", (0, 0), 4)


@NEEDS_TORCH
def test_rnn_lstm_and_gru_agree_with_torch_to_1e_9(windows):
    lines, code = compare_recurrent.report(*windows, steps=2)
    assert code == 0, lines
    assert [line.split(" ")[0] for line in lines] == ["RNN", "RNN", "LSTM", "LSTM", "GRU", "GRU"]
    assert all(line.endswith("under 1e-9: they agree") for line in lines), lines


@NEEDS_TORCH
@pytest.mark.parametrize("kind, planted", [("LSTM", planted_recurrence.LSTMGateGradientsInCS231nOrder),
                                           ("LSTM", planted_recurrence.LSTMCellGradientNotCarried),
                                           ("GRU", planted_recurrence.GRUUpdateGateSwappedInBackward),
                                           ("RNN", planted_recurrence.RNNAssignsDWx)],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_a_planted_backward_mistake_diverges_from_torch_and_is_named(monkeypatch, windows, kind, planted):
    monkeypatch.setattr(reference, kind, planted)
    lines, code = compare_recurrent.report(*windows, steps=2, kinds=(kind,))
    assert code == 1
    failed = [line for line in lines if "diverged" in line]
    assert failed and failed[0].startswith(f"{kind} (every output step and the initial state): reference and "
                                           "PyTorch diverged at batch ")
    assert "> 1e-9; look at the layer's backward" in failed[0]


@NEEDS_TORCH
def test_make_compare_torch_runs_the_recurrent_layers_after_the_mlp():
    printed = []
    assert compare_torch.main(["--rows", "32", "--epochs", "1", "--cnn-epochs", "0"], out=printed.append) == 0
    text = "\n".join(printed)
    assert "The recurrent layers RNN, LSTM, GRU (D = 6, H = 8)" in text
    assert sum("they agree" in line for line in printed) == 6


# The digits CNN ---------------------------------------------------------------------------------------------

def test_two_cnns_that_compute_the_same_agree_and_a_flipped_kernel_is_named_at_the_first_step():
    x, t = cnn.digits_data(64)

    class Flipped(cnn.Plain):
        def __init__(self, weights):
            super().__init__(weights)
            self.filters = [f[::-1] for f in self.filters]

    _, largest, first = compare_torch.compare(cnn.Reference(cnn.initial_weights()), cnn.Plain(cnn.initial_weights()),
                                              x, t, 1, cnn.BATCH, names=cnn.NAMES)
    assert first is None and largest.size < 1e-12
    _, _, first = compare_torch.compare(cnn.Reference(cnn.initial_weights()), Flipped(cnn.initial_weights()), x, t, 1,
                                        cnn.BATCH, names=cnn.NAMES)
    assert (first.epoch, first.step) == (1, 1) and first.name in cnn.NAMES
    lines, code = compare_torch.verdict(first, first, 2, 1370, layout="the layout")
    assert code == 1 and "; the layout. Look at that layer's backward" in lines[0]


@NEEDS_TORCH
def test_the_reference_cnn_and_torch_agree_to_1e_9_on_a_short_run():
    printed = []
    assert compare_torch.main(["--rows", "64", "--epochs", "1", "--cnn-epochs", "1", "--no-recurrent"], out=printed.append) == 0
    assert printed[-1].startswith("Largest gradient difference over 2 steps and 1370 parameters: ")
    assert printed[-1].endswith("under 1e-9: reference and PyTorch agree.")
    assert any(line.startswith("The digits CNN in reference and in PyTorch") for line in printed)


def test_a_negative_count_of_cnn_epochs_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        compare_torch.main(["--cnn-epochs", "-1"])
    assert exit_info.value.code == 2 and "--cnn-epochs" in capsys.readouterr().err
