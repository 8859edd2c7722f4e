"""The end of a run: the kept model and a baseline scored on the validation and test blocks (specs/results.md).

finish writes metrics.json, report.html, for classification confusion.svg and for a network with conv layers
filters.svg; for the bike data it prints the course's report in (cnt/1000)^2 and in bikes and adds it to
history.json under "test".
"""
import math

from reference.mse import MSE
from reference.parameters import shape
from reference.trainer import metrics, plots, report
from reference.trainer.bike_sequences import LAGS, persistence
from reference.trainer.checkpoint import read_json, write_json, write_text
from reference.trainer.task import data_loss


def finish(run, model, data, log):
    """Score model (the kept one of run) and the baseline on the validation and test blocks; write metrics.json and
    report.html."""
    scores = metrics.scores(model, data, run.encoding["target"], "window" in run.encoding)
    scores["epoch"] = run.best["epoch"]
    write_json(run.path("metrics.json"), scores)
    log(f"kept model: epoch {run.best['epoch']} ({run.config['keep'].replace('_', ' ')}), in {run.path('model.json')}")
    summary = None
    if run.config["data"].get("task") or run.config["data"].get("images"):
        for line in metrics.lines(scores, run.encoding["target"]):
            log(line)
    else:
        summary = bike_summary(run, model, data, log)
    if "classes" in run.encoding["target"]:
        write_text(run.path("confusion.svg"), plots.confusion_svg(scores["test"]["model"]["confusion"],
                                                                  run.encoding["target"]["classes"]))
    filters = {name: p for name, p in run.best["params"].items() if len(shape(p)) == 4}
    if filters:
        write_text(run.path("filters.svg"), plots.filters_svg(filters))
    write_text(run.path("report.html"), report.html(run.folder, run.config, scores))
    return summary or scores


def bike_line(label, value, data):
    """One line of the course's report: an MSE in (target/scale)^2, in bikes^2 and as an RMSE in bikes."""
    scale = data["target_scale"]
    return (f"{label:>17} {value:.5f} ({data['target']}/{scale:g})^2 = {value * scale * scale:.0f} bikes^2, "
            f"RMSE {math.sqrt(value) * scale:.1f} bikes")


def bike_summary(run, model, data, log):
    """The course's report: test MSE in (cnt/1000)^2 and bikes against the mean of every row before the test block,
    and for windows of hours against the persistence forecasts too."""
    earlier = data["train"][1] + data["validation"][1]
    mean = math.fsum(row[0] for row in earlier) / len(earlier)
    x_test, y_test = data["test"]
    summary = {"epoch": run.best["epoch"], "mse": data_loss(model, data["test"], MSE),
               "baseline_mse": math.fsum((mean - row[0]) ** 2 for row in y_test) / len(y_test)}
    summary["ratio"] = summary["mse"] / summary["baseline_mse"]
    labels = [("test MSE", summary["mse"]), ("mean baseline MSE", summary["baseline_mse"])]
    if "window" in run.encoding:
        summary["persistence_mse"] = {name: MSE().forward(persistence(x_test, lag), y_test)
                                      for name, lag in LAGS.items()}
        labels += [(f"{name.replace('_', '-')} MSE", v) for name, v in summary["persistence_mse"].items()]
    history = read_json(run.path("history.json"), "history")
    write_json(run.path("history.json"), {**history, "test": summary})
    for label, value in labels:
        log(bike_line(label, value, run.config["data"]))
    log(f"model / baseline MSE: {summary['ratio']:.3f} on {len(y_test)} test rows")
    if "window" in run.encoding:
        log("model / persistence MSE: " + ", ".join(f"{summary['mse'] / v:.3f} ({name.replace('_', ' ')})"
                                                    for name, v in summary["persistence_mse"].items()))
    return summary
