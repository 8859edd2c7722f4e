"""The tools of checks/ (bench, compare_torch, grading.speed, mutation) report a bad command line in one line, exit 2."""
import pytest

from checks.instruments import bench, compare_torch, mutation
from checks.instruments import grading_speed as speed


@pytest.mark.parametrize("parse, argv, words", [
    (bench.arguments, ["--repeats", "0"], "python -m checks.instruments.bench: --repeats and --rows must be positive"),
    (bench.arguments, ["--epochs", "3"], "python -m checks.instruments.bench: unrecognized arguments: --epochs 3"),
    (compare_torch.arguments, ["--lr", "-1"], "python -m checks.instruments.compare_torch: --epochs, --rows and --hidden"),
    (compare_torch.arguments, ["--epochs", "five"], "argument --epochs: invalid int value: 'five'"),
    (speed.arguments, ["--jobs", "0"], "python -m checks.instruments.grading_speed: --count and --jobs must be positive"),
    (speed.arguments, ["softmax"], "no timing sample for 'softmax'; components: dense, relu"),
    (mutation.main, ["--bogus"], "python -m checks.instruments.mutation: unrecognized arguments: --bogus"),
], ids=["bench-repeats", "bench-unknown", "compare-lr", "compare-type", "speed-jobs", "speed-component", "mutation"])
def test_a_bad_command_line_is_one_line_and_exit_2(parse, argv, words, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.count("\n") == 1 and words in err and "usage:" not in err, err


def test_the_grading_speed_run_times_every_sample_by_default():
    args = speed.arguments([])
    assert (args.components, args.count, args.jobs) == (sorted(speed.BUGS), 100, 2)
