"""A Report as text for a learner, as JSON, as Gradescope's results.json, and as JUnit XML; atomic writes.

- text: the score, then one line per check; each failing check with its
  message (the gradient checker's worst entries and diagnosis included) and
  the spec section to reread;
- json: Report.to_json(); a course's reports (timed=True) add "seconds", how
  long the grading took, which its summary and a regrade read back;
- gradescope: {"score", "execution_time", "output", "tests": [{"name",
  "number", "score", "max_score", "status", "output"}]}, which a Gradescope
  autograder writes to /autograder/results/results.json;
- junit: testsuites/testsuite/testcase with failure or error, the points in
  properties (JUnit itself has no points).
"""
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET

from checks.grading.report import FAILED, NOT_RUN, PASSED

FORMATS = ("text", "json", "gradescope", "junit")
SHOWN_OUTPUT = 2000  # characters of the submission's output shown in a report
MARK = {PASSED: "PASS", FAILED: "FAIL", NOT_RUN: "----"}


def render(report, fmt):
    """The report in one of FORMATS, as a string."""
    return {"text": text, "json": as_json, "gradescope": gradescope, "junit": junit}[fmt](report)


def number(value):
    return f"{value:g}"


def text(report):
    """The report for a learner: what passed, what failed and why, and what to reread."""
    who = report.component or "no component"
    if report.step is not None:
        who = f"step {report.step} ({who})"
    lines = [f"{report.file}: {who}, {number(report.score)} / {number(report.max_score)} points ({report.status})",
             f"  {report.message}" if report.message else "", drawn(report), degenerate(report)]
    width = max((len(c.name) for c in report.checks), default=0)
    for c in report.checks:
        lines.append(f"  {MARK[c.status]}  {c.name.ljust(width)}  {number(c.score)}/{number(c.max_score)}"
                     + (f"  ({c.message})" if c.status == PASSED else ""))
        if c.status != PASSED:
            lines += ["        " + line for line in c.message.splitlines()]
            if c.reread:
                lines.append(f"        Reread {c.reread}.")
    if report.refused:
        lines.append("  The sandbox refused: " + "; ".join(report.refused[:5]))
    if report.isolation:
        lines.append(f"  {report.isolation}")
    if report.output:
        lines.append("  What the submission printed (never read as a result):")
        lines += ["    | " + line for line in shown(report.output).splitlines()[:20]]
    return "\n".join(line for line in lines if line) + "\n"


def drawn(report):
    """The line that lets anyone reproduce the grading: its seed and what the checks drew from it."""
    if report.seed is None:
        return ""
    what = f": {'; '.join(report.variants)}" if report.variants else ""
    return f"  Seed {report.seed} (--seed {report.seed} grades again with the same draw){what}"


def degenerate(report):
    return f"  Degenerate: {', '.join(report.degenerate)}." if report.degenerate else ""


def shown(output):
    return output if len(output) <= SHOWN_OUTPUT else output[:SHOWN_OUTPUT] + f"\n... ({len(output)} characters)"


def as_json(report, timed=False):
    data = report.to_json()
    if timed:
        data["seconds"] = round(report.seconds, 2)
    if "output" in data:
        data["output"] = shown(data["output"])
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def gradescope(report):
    """Gradescope's results.json: one test per check, the status message as the top-level output."""
    who = report.component or "submission"
    tests = [{"name": f"{who}: {c.name}", "number": str(i), "score": c.score, "max_score": c.max_score,
              "status": "passed" if c.status == PASSED else "failed",
              "output": c.message + (f"\nReread {c.reread}." if c.reread else "")}
             for i, c in enumerate(report.checks, start=1)]
    output = "\n".join(line.strip() for line in [f"{report.status}: {report.message}", drawn(report),
                                                  degenerate(report), report.isolation] if line)
    if report.output:
        output += "\n\nWhat your code printed (never read as a result):\n" + shown(report.output)
    results = {"score": report.score, "execution_time": round(report.seconds, 2), "output": output,
               "output_format": "text", "tests": tests}
    return json.dumps(results, indent=2, allow_nan=False) + "\n"


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value):
    """Text safe for XML 1.0: control characters (which a submission may print) removed."""
    return CONTROL.sub("", str(value))


def junit(report):
    """JUnit XML: one testcase per check; points, status and message as properties and failure text."""
    failures = sum(c.status == FAILED for c in report.checks)
    errors = sum(c.status == NOT_RUN for c in report.checks)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=clean(report.component or report.file),
                          tests=str(len(report.checks)), failures=str(failures), errors=str(errors),
                          time=f"{report.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    for key, value in (("file", report.file), ("status", report.status), ("message", report.message),
                       ("score", number(report.score)), ("max_score", number(report.max_score)),
                       ("isolation", report.isolation or "sandbox")):
        ET.SubElement(props, "property", name=key, value=clean(value))
    for c in report.checks:
        case = ET.SubElement(suite, "testcase", classname=clean(report.component or "submission"), name=c.name)
        points = ET.SubElement(case, "properties")
        for key, value in (("score", number(c.score)), ("max_score", number(c.max_score)),
                           ("diagnosis", c.diagnosis or "")):
            ET.SubElement(points, "property", name=key, value=clean(value))
        if c.status != PASSED:
            tag = "failure" if c.status == FAILED else "error"
            node = ET.SubElement(case, tag, message=clean(c.message.splitlines()[0] if c.message else c.status))
            node.text = clean(c.message + (f"\nReread {c.reread}." if c.reread else ""))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def cell(value):
    """A CSV cell that a spreadsheet will not run as a formula (names and messages come from submissions)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(path, content):
    """Write text to path atomically: a temporary file in the same folder, then os.replace."""
    write_bytes(path, content.encode("utf-8"))


def write_bytes(path, data):
    """Write bytes to path atomically: a temporary file in the same folder, then os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
