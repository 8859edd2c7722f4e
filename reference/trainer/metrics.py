"""How good predictions are, in the target's own units, and the baselines they are measured against (specs/metrics.md).

Regression: mean squared error, its root and the mean absolute error. Classification: accuracy, precision
and recall per class, and the confusion matrix. A baseline predicts without looking at the features: the
mean target (regression) or the most frequent class (classification) of the rows it learns from.
"""
import math

from reference.sequential import evaluate
from reference.trainer.bike_sequences import LAGS, persistence
from reference.trainer.tabular import decode, truth


def regression(targets, predictions):
    """N targets, N predictions -> {"mse", "rmse", "mae"}."""
    errors = [p - t for t, p in zip(targets, predictions)]
    mse = math.fsum(e * e for e in errors) / len(errors)
    return {"mse": mse, "rmse": math.sqrt(mse), "mae": math.fsum(abs(e) for e in errors) / len(errors)}


def classification(targets, predictions, classes):
    """N true class names, N predicted ones, the C class names -> {"accuracy", "precision", "recall", "confusion"}.

    confusion[i][j] counts the rows of class i predicted as class j. A class never predicted has
    precision null (0 / 0); a class with no rows has recall null.
    """
    index = {c: k for k, c in enumerate(classes)}
    confusion = [[0] * len(classes) for _ in classes]
    for t, p in zip(targets, predictions):
        confusion[index[t]][index[p]] += 1
    right = [confusion[k][k] for k in range(len(classes))]
    predicted = [sum(row[k] for row in confusion) for k in range(len(classes))]
    actual = [sum(row) for row in confusion]
    return {"accuracy": sum(right) / len(targets),
            "precision": {c: ratio(right[k], predicted[k]) for k, c in enumerate(classes)},
            "recall": {c: ratio(right[k], actual[k]) for k, c in enumerate(classes)},
            "confusion": confusion}


def ratio(part, whole):
    return part / whole if whole else None


def mean_baseline(targets, n):
    """The mean of the targets the baseline learns from, predicted n times."""
    return [math.fsum(targets) / len(targets)] * n


def majority_baseline(targets, n, classes):
    """The most frequent class of the targets the baseline learns from (the first in class order on a tie), n times."""
    counts = {c: 0 for c in classes}
    for t in targets:
        counts[t] += 1
    return [max(classes, key=counts.__getitem__)] * n


def scores(model, data, target, sequences=False):
    """The model (in evaluation mode) and its baseline on the validation and test blocks, in the target's units
    (metrics.json); for windows of hours (sequences) also the persistence forecasts (specs/bike_sequences.md)."""
    seen = truth(target, data["train"][1] + data["validation"][1])
    classes = target.get("classes")
    result = {"task": target["task"], "target": target["name"]}
    for part in ("validation", "test"):
        x, y = data[part]
        actual, predicted = truth(target, y), decode(target, evaluate(model, x))
        if classes:
            result[part] = {"rows": len(y), "model": classification(actual, [c for c, _ in predicted], classes),
                            "baseline": classification(actual, majority_baseline(seen, len(y), classes), classes)}
        else:
            result[part] = {"rows": len(y), "model": regression(actual, predicted),
                            "baseline": regression(actual, mean_baseline(seen, len(y)))}
        if sequences:
            result[part]["persistence"] = {name: regression(actual, decode(target, persistence(x, lag)))
                                           for name, lag in LAGS.items()}
    return result


def lines(result, target):
    """The printed summary of scores: one line per block, the model next to its baseline."""
    printed = []
    for part in ("validation", "test"):
        model, baseline, rows = result[part]["model"], result[part]["baseline"], result[part]["rows"]
        if "classes" in target:
            printed.append(f"{part:>10} accuracy {model['accuracy']:.4f}, majority-class baseline "
                           f"{baseline['accuracy']:.4f}, on {rows} rows")
        else:
            printed.append(f"{part:>10} RMSE {model['rmse']:.6g}, MAE {model['mae']:.6g} ({target['name']}); mean "
                           f"baseline RMSE {baseline['rmse']:.6g}, MAE {baseline['mae']:.6g}; on {rows} rows")
    return printed
