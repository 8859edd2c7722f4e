"""Windows of the hourly bike data: the previous T hours predict the next hour's count (specs/bike_sequences.md).

A window is x (T, D + 1): for each of the T hours before the target hour, that hour's features scaled as in
bike_sharing.py, then its count / target_scale; its target y (1,) is the next hour's count / target_scale.
Only T + 1 hours in a row make a window (the file misses a few hours). The hours are split in time order
first and windows are cut inside each block, so every hour of a window lies in its target hour's block.
"""
import datetime
import os

from reference.trainer.bike_sharing import (HOUR_CSV, SCALES, TARGETS, DataError, chronological_split, column_index,
                                            parse_number, read_rows)
from reference.trainer.sanity import SanityError

STEPS = 24  # T: the hours a window looks back
FEATURES = ("hr", "temp", "hum", "windspeed", "workingday")
LAGS = {"hour_earlier": 1, "day_earlier": 24}  # the persistence forecasts: the count this many hours before


def clock(day, hour, name, line):
    """A date "YYYY-MM-DD" and an hour 0..23 -> hours since 0001-01-01, so that consecutive hours differ by 1."""
    try:
        return datetime.date.fromisoformat(day).toordinal() * 24 + int(hour)
    except ValueError:
        raise DataError(f"{name}, line {line}, column 'dteday': expected a date YYYY-MM-DD, got {day!r}") from None


def read_hours(path=HOUR_CSV, features=FEATURES, target="cnt"):
    """CSV -> one (clock hour, [feature / SCALES[feature] ...], count) per row, in file order."""
    unknown = [c for c in features if c not in SCALES] + ([target] if target not in TARGETS else [])
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a column of the data; features are {', '.join(SCALES)}, "
                         f"targets are {', '.join(TARGETS)}")
    name = os.path.basename(path)
    header, rows = read_rows(path)
    day, hour = column_index(header, "dteday", name), column_index(header, "hr", name)
    columns = [column_index(header, c, name) for c in (*features, target)]
    hours = []
    for line, row in enumerate(rows, start=2):
        values = [parse_number(row[i], name, line, header[i]) for i in columns]
        features_of_hour = [v / SCALES[c] for v, c in zip(values, features)]
        hours.append((clock(row[day], parse_number(row[hour], name, line, "hr"), name, line), features_of_hour,
                      values[-1]))
    return hours


def windows(hours, steps=STEPS, target_scale=1000.0):
    """Hours (clock, features (D,), count) in time order -> x (N, T, D + 1), y (N, 1).

    Window n ends just before a target hour k with hours[k - T .. k] consecutive: x[n][s] is hour k - T + s's
    features followed by its count / target_scale, y[n] = [count of hour k / target_scale].
    """
    targets = target_hours(hours, steps)
    return window_inputs(hours, targets, steps, target_scale), [[hours[k][2] / target_scale] for k in targets]


def target_hours(hours, steps=STEPS):
    """The indices k of the hours that have the T hours before them in the file: hours[k - T .. k] consecutive."""
    return [k for k in range(steps, len(hours)) if hours[k][0] - hours[k - steps][0] == steps]


def window_inputs(hours, targets, steps=STEPS, target_scale=1000.0):
    """x (N, T, D + 1): for each target hour k, the T hours before it, each its features then count / target_scale."""
    return [[features + [count / target_scale] for _, features, count in hours[k - steps:k]] for k in targets]


def load(path=HOUR_CSV, features=FEATURES, target="cnt", target_scale=1000.0, steps=STEPS,
         fractions=(0.7, 0.1, 0.2)):
    """CSV -> [(x, y) per block]: the hours cut into consecutive blocks by fractions, then windowed within each.

    x (N_b, T, D + 1), y (N_b, 1) for block b; the first T hours of every block are only looked back on.
    """
    if not (isinstance(steps, int) and steps >= max(LAGS.values())):
        raise ValueError(f"a window must look back at least {max(LAGS.values())} hours (for the persistence "
                         f"forecasts), got steps = {steps!r}")
    hours = read_hours(path, features, target)
    blocks = [block for block, _ in chronological_split(hours, hours, fractions)]
    return [windows(block, steps, target_scale) for block in blocks]


def persistence(x, lag):
    """Windows x (N, T, D + 1) -> predictions (N, 1): the count `lag` hours before the target hour, x[n][T - lag][D]."""
    if not 1 <= lag <= len(x[0]):
        raise ValueError(f"a persistence lag must lie in 1..T = {len(x[0])} hours, got {lag}")
    return [[window[len(window) - lag][-1]] for window in x]


def prepare(data):
    """The data section of a config with data.window = T -> ([(x, y) per block], encoding, input names).

    Every data.every-th window of each block is kept. The encoding (specs/tabular.md) names the D + 1 inputs
    of an hour, each with its scale, and the window T, so that a model file says what it reads.
    """
    features, target, scale = data["features"], data["target"], data["target_scale"]
    blocks = load(data["csv"] or HOUR_CSV, features, target, scale, data["window"], data["split"])
    blocks = [(x[::data["every"]], y[::data["every"]]) for x, y in blocks]
    names = [*features, target]
    hours = [hour for window in blocks[0][0] for hour in window]
    columns = [{"name": name, "mean": 0.0, "std": SCALES.get(name, scale),
                "range": [min(h[d] for h in hours) * SCALES.get(name, scale),
                          max(h[d] for h in hours) * SCALES.get(name, scale)]} for d, name in enumerate(names)]
    target_encoding = {"name": target, "task": "regression", "mean": 0.0, "std": scale}
    return blocks, {"columns": columns, "target": target_encoding, "window": data["window"]}, names


def describe(parts, names, every):
    """A summary line of the windows: how many per block, their inputs and the target's range."""
    for part, (x, _) in parts.items():
        if not x:
            raise SanityError(f"data: the {part} block holds no window; use more hours (a smaller data.every, a "
                              "larger share in data.split)")
    sizes = ", ".join(f"{part} {len(x)}" for part, (x, _) in parts.items())
    x, y = parts["train"]
    hours = [hour for window in x for hour in window]
    targets = [row[0] for row in y]
    kept = f"one window in {every}" if every > 1 else "every window"
    return (f"data: {sizes} windows of {len(x[0])} hours in time order ({kept}); {len(names)} inputs per hour "
            f"({', '.join(names)}) in [{min(min(h) for h in hours):.3g}, {max(max(h) for h in hours):.3g}]; "
            f"target the next hour's {names[-1]} in [{min(targets):.3g}, {max(targets):.3g}], "
            f"mean {sum(targets) / len(targets):.3g}")
