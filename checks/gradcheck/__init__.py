"""Gradient checks of a layer, a loss or a scalar function, through the protocol alone (specs/protocol.md).

    check_layer(layer, x, component="layer", seed=0, *, fast=False, directions=4, elementwise=None)
    check_loss(loss, y_pred, y_true, component="loss", *, fast=False, directions=4, seed=0)
    check_function(f, gradient, params, component="function", *, fast=False, directions=4, seed=0)

Each returns a GradReport (checks/gradcheck/report.py): passed, message(), to_json(),
diagnosis and evidence. A check runs the cheap protocol probes
(checks/gradcheck/probes.py), then compares the analytic gradient with central
differences entry by entry, for the input and every parameter
(checks/gradcheck/finite_differences.py); only when something fails does it test the
hypotheses of checks/gradcheck/diagnosis.py. It uses forward, backward, params and
grads and nothing else, and perturbs the entries of x, y_pred and
params[name] in place, so a layer that lives elsewhere (a proxy) works too.

- fast=True first compares `directions` signed random directional
  derivatives (checks/gradcheck/fast.py); on any mismatch, any direction that crosses
  a kink, or any protocol finding it falls back to the full check, whose
  report it returns (mode "fast, then full").
- elementwise: whether the layer acts entry by entry (ReLU, Tanh: it enables
  the wrong-input hypothesis); None finds out from forward when needed.
- check_function checks a scalar function of a params dict on its own, such
  as a regularization term: f() -> float reads params (name -> matrix or
  vector) at call time; gradient is a dict name -> df/dparams[name] at the
  current params (or a callable returning it). For L2 weight decay:

      params = {"W": W}
      check_function(lambda: 0.5 * lam * sum(w * w for row in W for w in row),
                     {"W": [[lam * w for w in row] for row in W]}, params, "weight_decay")
"""
import random

from checks.gradcheck import diagnosis
from checks.gradcheck.fast import DIRECTIONS, project
from checks.gradcheck.finite_differences import compare
from checks.gradcheck.report import GradReport
from checks.gradcheck.layer_subject import LayerSubject
from checks.gradcheck.subjects import Counted, FunctionSubject, LossSubject, Stop

__all__ = ["GradReport", "check_layer", "check_loss", "check_function"]
FIRST = ("nondeterministic", "mutates-input", "accumulates")  # protocol findings that come before any block


def check_layer(layer, x, component="layer", seed=0, *, fast=False, directions=DIRECTIONS, elementwise=None):
    """Check backward(dy) of layer at the batch x (N, D) against finite differences, dy random and signed."""
    report = GradReport(component, kind="layer")
    subject = LayerSubject(Counted(layer, report.calls), x, seed, report.spec, elementwise)
    return run(subject, report, fast, directions, seed)


def check_loss(loss, y_pred, y_true, component="loss", *, fast=False, directions=DIRECTIONS, seed=0):
    """Check backward() of loss at (y_pred, y_true) against finite differences of forward."""
    report = GradReport(component, kind="loss")
    subject = LossSubject(Counted(loss, report.calls), y_pred, y_true, report.spec)
    return run(subject, report, fast, directions, seed)


def check_function(f, gradient, params, component="function", *, fast=False, directions=DIRECTIONS, seed=0):
    """Check gradient (dict name -> df/dparams[name], or a callable returning it) of f() against finite differences."""
    report = GradReport(component, kind="function")
    subject = FunctionSubject(f, gradient, params, report.spec, report.calls)
    return run(subject, report, fast, directions, seed)


def run(subject, report, fast, directions, seed):
    """Probe, compare (fast first if asked), and diagnose what failed."""
    try:
        subject.probe(report.findings)
        f0 = subject.f()
        if fast:
            report.mode = "fast"
            report.projections = project(subject.blocks(), subject.f, f0, random.Random(f"{seed}/fast"), directions)
            if report.projections and report.passed and not report.kinks:
                return report  # a direction across a kink cannot tell a right slope from a wrong one: full check
            report.mode, report.projections = "fast, then full", report.projections or []
        report.blocks = [compare(name, analytic, target, subject.f, f0) for name, target, analytic in subject.blocks()]
    except Stop as stop:
        report.problem, report.diagnosis, report.evidence = stop.problem, stop.code, stop.evidence
        return report
    except Exception as e:  # a student's code may raise anything; the report says what
        report.problem = f"{type(e).__name__} raised while checking: {e}"
    conclude(report, subject)
    return report


def conclude(report, subject):
    """The report's diagnosis: a protocol finding that explains a failure, else the most specific block's.

    Every failing block that no protocol finding explains is diagnosed, so a second, independent mistake is
    listed too (report.message() prints it on an "Also" line).
    """
    if report.passed:
        return
    found = {f.code: f for f in report.findings}
    first = next((found[code] for code in FIRST if code in found), None)
    failing = [b for b in report.blocks if not b.passed and not explained(b.name, first)]
    for block in failing:
        block.diagnosis, block.evidence = diagnosis.diagnose(block, subject)
    chosen = next((b for b in failing if b.diagnosis != "unknown"), failing[0] if failing else None)
    if first:
        report.diagnosis, report.evidence = first.code, first.sentence
    elif chosen:
        report.diagnosis, report.evidence = chosen.diagnosis, chosen.evidence
    elif report.findings:
        report.diagnosis, report.evidence = report.findings[0].code, report.findings[0].sentence
    else:
        report.diagnosis = "unknown"
        report.evidence = f"{report.problem}; reread {report.spec}, \"Partial derivatives\""


def explained(name, finding):
    """Whether a protocol finding accounts for the failure of block name."""
    return finding is not None and (finding.explains is None or name in finding.explains)
