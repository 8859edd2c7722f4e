"""The course's sanity checks: look at the data before training, and at the loss in the first epochs.

A failed check says what to look at (specs/sanity.md).
"""
import math

FEATURE_LIMIT = 10.0  # features beyond this magnitude are not scaled
TARGET_LIMIT = 10.0  # a target beyond this magnitude is not scaled
FIRST_EPOCHS = 3  # the training loss must have fallen by the end of this epoch


class SanityError(ValueError):
    """Data that would make training meaningless; the message is one line saying what to look at."""


def inspect(parts, features, target, order="file"):
    """{"train": (x, y), "validation": ..., "test": ...} -> a summary line; SanityError where a rule breaks.

    order: "file" (the blocks are in time order) or "shuffle", as data.order says.
    """
    for part, (x, y) in parts.items():
        if not x:
            raise SanityError(f"data: the {part} block is empty; use more rows (data.every) or change data.split")
        if any(len(row) != len(features) for row in x) or any(len(row) != 1 for row in y):
            raise SanityError(f"data: every {part} row should have {len(features)} features and 1 target")
        if not all(math.isfinite(v) for row in x + y for v in row):
            raise SanityError(f"data: the {part} block holds NaN or infinite values; look at the CSV")
    x, y = parts["train"]
    for d, name in enumerate(features):
        column = [row[d] for row in x]
        if max(abs(v) for v in column) > FEATURE_LIMIT:
            raise SanityError(f"data: feature '{name}' reaches {max(column, key=abs):g} in the train block; "
                              "features should lie in about [0, 1]: look at the feature scaling")
    targets = [row[0] for row in y]
    if max(abs(v) for v in targets) > TARGET_LIMIT:
        raise SanityError(f"data: the target '{target}' reaches {max(targets, key=abs):g}; scale it to about "
                          "[0, 1] with data.target_scale (cnt / 1000 is the course's choice)")
    sizes = ", ".join(f"{part} {len(x)}" for part, (x, _) in parts.items())
    lows = min(min(row) for row in x)
    highs = max(max(row) for row in x)
    mean = math.fsum(targets) / len(targets)
    return (f"data: {sizes} rows, {'in time order' if order == 'file' else 'shuffled'}; {len(features)} features in [{lows:.3g}, {highs:.3g}]; "
            f"target {target} in [{min(targets):.3g}, {max(targets):.3g}], mean {mean:.3g}")


def constant_features(x, features):
    """Names of the features that take one value on every row of x: they carry no information."""
    return [name for d, name in enumerate(features) if len({row[d] for row in x}) == 1]


def loss_fell(history, epoch):
    """None if the training loss after epoch is below the one before training, else a warning on what to look at."""
    start, now = history[0]["train_loss"], history[epoch]["train_loss"]
    if now < start:
        return None
    return (f"sanity check failed: the training loss did not fall in the first {epoch} epochs "
            f"({start:.6g} at the start, {now:.6g} after epoch {epoch}); look at the learning rate "
            "(too small to move the weights, or so large that steps overshoot) and at the sign of the update")
