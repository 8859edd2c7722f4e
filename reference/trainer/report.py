"""report.html: a run on one page, the config, the metrics against the baseline and the pictures (specs/report.md).

The page is self-contained: the pictures are inlined SVG and there is no script, so it opens in
any browser without a network.
"""
import json
import os
from xml.sax.saxutils import escape

PICTURES = ("loss.svg", "confusion.svg", "filters.svg", "weights.svg")
PERSISTENCE = (" For windows of hours the persistence forecasts are baselines too: the count an hour earlier, and the "
               "count a day earlier, read from the window (specs/bike_sequences.md).")
STYLE = ("body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}pre{background:#f6f6f6;padding:1em}")


def rows(result):
    """The metrics of one block as table rows: a measure, the model's value, the baseline's."""
    model, baseline = result["model"], result["baseline"]
    table = [(name, model[name], baseline[name]) for name in ("accuracy", "mse", "rmse", "mae") if name in model]
    for measure in ("precision", "recall"):
        table += [(f"{measure} of '{c}'", v, baseline[measure][c]) for c, v in model.get(measure, {}).items()]
    for name, forecast in result.get("persistence", {}).items():  # windows of hours: the persistence forecasts
        table += [(f"{measure}, baseline: the count {name.replace('_', ' ')}", model[measure], forecast[measure])
                  for measure in ("mse", "rmse", "mae")]
    return table


def number(v):
    return "n/a (0 / 0)" if v is None else f"{v:.6g}"


def metrics_table(scores):
    """The validation and test metrics of the model next to the baseline's, as an HTML table."""
    lines = ["<table><tr><th>block</th><th>measure</th><th>model</th><th>baseline</th></tr>"]
    for part in ("validation", "test"):
        for name, model, baseline in rows(scores[part]):
            lines.append(f"<tr><td>{part} ({scores[part]['rows']} rows)</td><td>{escape(name)}</td>"
                         f"<td>{number(model)}</td><td>{number(baseline)}</td></tr>")
    return "\n".join(lines + ["</table>"])


def html(folder, config, scores):
    """The text of report.html for the run in folder: its config, its scores and the pictures found there."""
    baseline = "the most frequent class" if scores["task"] == "classification" else "the mean target"
    parts = [f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Run {escape(folder)}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Run {escape(folder)}</h1>",
             f"<p>Task: {scores['task']} of '{escape(scores['target'])}'. The kept model is epoch {scores['epoch']}. "
             f"The baseline predicts {baseline} of the training and validation rows, whatever the features."
             f"{PERSISTENCE if 'persistence' in scores['test'] else ''}</p>",
             "<h2>Metrics</h2>", metrics_table(scores)]
    for name in PICTURES:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                parts += [f"<h2>{name}</h2>", f.read()]
    parts += ["<h2>Config</h2>", f"<pre>{escape(json.dumps(config, indent=1))}</pre>", "</body></html>\n"]
    return "\n".join(parts)
