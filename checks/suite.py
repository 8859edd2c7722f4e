"""make check: every check on every component of reference/, ending with one table row per component."""
import multiprocessing
import os
import random
import sys
from dataclasses import dataclass, field

from checks import baseline, completeness, descent
from checks.components import COMPONENTS, LAYER, OPTIMIZER, REGULARIZER, gradient_points
from checks.gradcheck import check_layer, check_loss
from checks.properties import run, suite


@dataclass
class ComponentResult:
    """Everything make check found out about one component."""

    name: str
    gaps: list = field(default_factory=list)
    gradients: list = field(default_factory=list)  # GradReports, one per check point
    properties: list = field(default_factory=list)  # Outcomes
    baseline: object = None  # a BaselineResult, or None where it could not run
    descents: list = field(default_factory=list)  # DescentReports of an optimizer, one per check point

    @property
    def passed(self):
        return (not self.gaps and all(r.passed for r in self.gradients) and all(d.passed for d in self.descents)
                and all(o.passed for o in self.properties) and self.baseline is not None and self.baseline.passed)


def gradient_reports(component, implementation=None):
    """The gradient check of a component at each of its check points."""
    implementation = implementation or component.reference
    reports = []
    for seed, point in enumerate(gradient_points(component)):
        obj = component.build(implementation)
        if component.kind == LAYER:
            reports.append(check_layer(obj, point, component.name, seed=seed))
        else:
            reports.append(check_loss(obj, *point, component=component.name))
    return reports


def check_component(name, gaps):
    """Run the gradient check, the property suite and the baseline of one component."""
    result = ComponentResult(name, gaps)
    component = COMPONENTS.get(name)
    if component is None:
        return result
    random.seed(0)  # nothing should depend on it; fixing it keeps a misbehaving run repeatable
    if component.kind == OPTIMIZER and component.points is not None:
        result.descents = descent.descent_reports(component)
    elif component.kind == REGULARIZER and component.points is not None:
        result.gradients = descent.penalty_reports(component)
    elif component.has_gradient and component.points is not None:
        result.gradients = gradient_reports(component)
    try:
        properties = suite(name)
    except (ImportError, AttributeError):
        properties = []
    result.properties = [run(prop, component.subject()) for prop in properties]
    if component.model is not None:
        result.baseline = baseline.run(component)
    return result


def gradient_cell(result):
    if result.descents:
        if not all(d.passed for d in result.descents):
            return "FAIL"
        worst = max(result.descents, key=lambda d: abs(d.ratio - 1.0))
        return f"descent ok, ratio {worst.ratio:.4f}"
    if not result.gradients:
        return "n/a"
    if not all(r.passed for r in result.gradients):
        return "FAIL"
    worst = max(r.worst_relative_error for r in result.gradients)
    kinks = sum(len(r.kinks) for r in result.gradients)
    return f"{worst:.1e}" + (f", {kinks} kinks" if kinks else "")


def baseline_cell(result):
    b = result.baseline
    if b is None:
        return "missing"
    if b.message:
        return "FAIL: crashed"
    return f"{b.metric} {b.model_score:.4f} vs {b.baseline_score:.4f}"


def row(result):
    passed = sum(o.passed for o in result.properties)
    return [result.name, "missing" if any("spec" in g for g in result.gaps) else "ok", gradient_cell(result),
            f"{passed}/{len(result.properties)}", baseline_cell(result), "pass" if result.passed else "FAIL"]


def table(component_rows):
    """One aligned row per component (the cells row() gives), under a header."""
    rows = [["component", "spec", "gradient (worst rel. error)", "properties", "baseline: model vs mean", "verdict"]]
    rows += component_rows
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(result):
    """The messages behind a failing row: gaps, failed gradient checks, properties and baseline."""
    lines = [f"- {gap}" for gap in result.gaps]
    lines += [r.message() for r in result.gradients if not r.passed][:1]
    lines += [d.message() for d in result.descents if not d.passed][:1]
    lines += [f"- property '{o.name}' ({o.rule}): {o.message}" for o in result.properties if not o.passed]
    b = result.baseline
    if b is not None and not b.passed:
        constant = baseline.TASKS[COMPONENTS[result.name].task].constant_name
        lines.append(f"- baseline: {b.message or ''} model {b.metric} {b.model_score:.4f}, predicting {constant} "
                     f"{b.baseline_score:.4f}; the model must score at most {baseline.MARGIN:.0%} of the baseline")
    return lines


def main(names=None, out=print):
    """Check the named components (default: all), print the table and the failures; return the exit code."""
    audit = completeness.audit()
    names = names or list(audit)
    unknown = [n for n in names if n not in audit]
    if unknown:
        out(f"checks: unknown component {unknown[0]!r}; components are: {', '.join(audit)}")
        return 2
    work = [(name, audit[name]) for name in names]
    jobs = min(len(work), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            summaries = pool.starmap(summary, work, chunksize=1)
    else:
        summaries = [summary(*w) for w in work]
    out(table([cells for cells, _, _ in summaries]))
    failing = [(cells[0], lines) for cells, lines, passed in summaries if not passed]
    for name, lines in failing:
        out(f"\n{name}: FAIL")
        out("\n".join(lines))
    out(f"\n{len(summaries) - len(failing)} of {len(summaries)} components pass.")
    return 1 if failing else 0


def summary(name, gaps):
    """One component's outcome as text, which crosses from a worker process: (its row's cells, the details of its
    failures, whether it passed). make check runs the components on every core the machine gives it."""
    print(f"checking {name} ...", file=sys.stderr, flush=True)
    result = check_component(name, gaps)
    return row(result), details(result), result.passed
