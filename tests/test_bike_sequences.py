"""Windows of the bike data: the right hours in the right order, no window across a gap or two blocks, persistence
forecasts read from the window, and the SEQUENCES baseline task built on them."""
import math
from types import SimpleNamespace

import pytest

from checks import baseline, tasks
from checks.kinds import SEQUENCES
from reference.dense import Dense
from reference.mse import MSE
from reference.sequential import Sequential
from reference.trainer import bike_sequences
from reference.trainer.bike_sequences import LAGS, load, persistence, read_hours, windows
from reference.trainer.bike_sharing import DataError
from reference.trainer.bike_sharing import load as load_rows

HEADER = "dteday,hr,temp,cnt"


def hourly_csv(tmp_path, n_hours, skip=(), name="hours.csv"):
    """n_hours rows from 2012-03-01 00:00, hour h with temp h / 100 and count h + 1, leaving out the hours in skip."""
    lines = [HEADER]
    for h in range(n_hours):
        if h not in skip:
            lines.append(f"2012-03-{1 + h // 24:02d},{h % 24},{h / 100},{h + 1}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_window_is_the_previous_hours_features_and_counts_and_its_target_the_next_count(tmp_path):
    (x, y), = load(hourly_csv(tmp_path, 30), features=("temp",), fractions=(1.0,))
    assert len(x) == 6 and len(x[0]) == 24 and len(x[0][0]) == 2
    assert x[0][0] == [0.0, 0.001] and x[0][23] == [0.23, 0.024]
    assert y == [[(h + 1) / 1000] for h in range(24, 30)]
    assert x[5][0] == [0.05, 0.006]  # the last window starts 5 hours later


def test_a_window_never_spans_a_missing_hour(tmp_path):
    (x, y), = load(hourly_csv(tmp_path, 60, skip=(30,)), features=("temp",), fractions=(1.0,))
    targets = [round(t[0] * 1000) - 1 for t in y]
    assert targets == list(range(24, 30)) + list(range(55, 60))  # 30 .. 54 would look back across hour 30
    assert all(round(window[-1][0] * 100) + 1 == target for window, target in zip(x, targets))


def test_no_window_straddles_two_blocks(tmp_path):
    blocks = load(hourly_csv(tmp_path, 100), features=("temp",), fractions=(0.5, 0.5))
    (x_a, y_a), (x_b, y_b) = blocks
    assert [round(t[0] * 1000) - 1 for t in y_a] == list(range(24, 50))
    assert [round(t[0] * 1000) - 1 for t in y_b] == list(range(74, 100))  # hours 50 .. 73 only looked back on
    first_hour_b = min(round(v[0] * 100) for window in x_b for v in window)
    assert first_hour_b == 50


def test_the_full_file_gives_the_documented_blocks():
    blocks = load()
    assert [len(x) for x, _ in blocks] == [10561, 1714, 3334]
    rows, counts = load_rows()
    x, y = blocks[0]
    assert x[0] == [row + c for row, c in zip(rows[:24], counts[:24])]
    assert y[0] == counts[24]


def test_the_clock_counts_hours_across_days():
    hours = read_hours()
    assert hours[24][0] - hours[23][0] == 1  # 2011-01-01 23:00 -> 2011-01-02 00:00
    assert sum(1 for a, b in zip(hours, hours[1:]) if b[0] - a[0] != 1) == 75


def test_persistence_reads_the_count_lag_hours_before_the_target():
    hours = [(k, [0.0], float(k)) for k in range(30)]
    x, y = windows(hours, steps=24, target_scale=1.0)
    assert persistence(x, LAGS["hour_earlier"]) == [[t[0] - 1] for t in y]
    assert persistence(x, LAGS["day_earlier"]) == [[t[0] - 24] for t in y]


def test_both_persistence_forecasts_beat_the_mean_on_the_test_windows():
    (_, y_train), _, (x_test, y_test) = load()
    mean = math.fsum(t[0] for t in y_train) / len(y_train)
    score = tasks.mean_squared_error
    for lag in LAGS.values():
        assert score(persistence(x_test, lag), y_test) < 0.35 * score([[mean]] * len(y_test), y_test)


@pytest.mark.parametrize("lag", [0, 25])
def test_a_lag_outside_the_window_is_refused(lag):
    with pytest.raises(ValueError, match=f"a persistence lag must lie in 1..T = 24 hours, got {lag}"):
        persistence([[[0.0, 0.0]] * 24], lag)


def test_a_window_shorter_than_a_day_is_refused():
    with pytest.raises(ValueError, match="a window must look back at least 24 hours"):
        load(steps=12)


def test_a_date_that_is_no_date_names_file_line_and_column(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(f"{HEADER}\n2012-03-01,0,0.1,5\n01/03/2012,1,0.1,5\n")
    with pytest.raises(DataError, match=r"dates.csv, line 3, column 'dteday': expected a date YYYY-MM-DD, "
                                        r"got '01/03/2012'"):
        read_hours(str(path), features=("temp",))


def test_an_unknown_feature_is_named():
    with pytest.raises(ValueError, match="'dteday' is not a column of the data"):
        read_hours(features=("dteday",))


class LastHour:
    """Windows (N, T, D) -> (N, D): the last hour only; a test's stand-in for a recurrent layer."""

    params, grads, training = {}, {}, True

    def forward(self, x):
        self.shape = (len(x[0]), len(x[0][0]))
        return [list(window[-1]) for window in x]

    def backward(self, dy):
        steps, width = self.shape
        return [[[0.0] * width] * (steps - 1) + [list(row)] for row in dy]


class Blind(LastHour):
    """Sees nothing of the window: every input 0."""

    def forward(self, x):
        return [[0.0] * len(row) for row in super().forward(x)]


def component(layer):
    """A stand-in declaration on the SEQUENCES task: the layer, then Dense(6, 1), trained with MSE."""
    return SimpleNamespace(name="last_hour", task=SEQUENCES, reference=layer,
                           model=lambda cls: (Sequential([cls(), Dense(6, 1, seed=0)]), MSE()))


def test_the_sequences_task_is_a_fixed_sample_of_the_windows():
    (x, y), (x_test, y_test) = baseline.TASKS[SEQUENCES].data()
    assert (len(x), len(x_test)) == (397, 197)
    assert (len(x[0]), len(x[0][0]), len(y[0])) == (24, 6, 1)
    x[0][0][0] = 99.0
    assert baseline.TASKS[SEQUENCES].data()[0][0][0][0][0] != 99.0  # a model gets new lists every time
    assert baseline.data_summary(SEQUENCES).startswith("397 training windows of 24 hours of bike data, 6 inputs")


def test_a_model_that_reads_the_window_beats_the_mean_and_a_blind_one_does_not():
    seen = baseline.run(component(LastHour))
    blind = baseline.run(component(Blind))
    assert seen.metric == "MSE" and seen.passed, seen
    assert not blind.passed and blind.model_score > baseline.MARGIN * blind.baseline_score


def test_the_module_names_its_defaults():
    assert bike_sequences.STEPS == 24
    assert bike_sequences.FEATURES == ("hr", "temp", "hum", "windspeed", "workingday")
