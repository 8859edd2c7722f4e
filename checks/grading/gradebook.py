"""What a graded course gets besides its reports: the gradebook, the class summary, the exports; regrade bookkeeping.

finish() writes, into the output folder, gradebook.csv (one row per
submission: student id and name from the roster, modification time, status,
points per check, total, max score, diagnosis, seconds, seed, message),
summary.html and summary.csv (summary.py, summary_page.py) and the platform
exports asked for (exports.py). kept_reports() reads back the reports a
regrade keeps; remove_stale() removes those of submissions that left.
"""
import csv
import io
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone

from checks.grading import exports, formats, roster
from checks.grading.formats import cell
from checks.grading.grade import checks_for
from checks.grading.report import Report
from checks.grading.summary import Entry, Summary, csv_text, diagnosis_cell
from checks.grading.summary_page import page


@dataclass
class Course:
    """What a grade-all writes besides the grading: who is who (a roster, or None), the platform exports
    (exports.PLATFORMS) and the assignment's name in them."""

    roster: dict = None
    platforms: tuple = ()
    assignment: str = ""


def kept_reports(out, names, only, log):
    """{name: Report} of the submissions a regrade (only) keeps: those not named whose JSON report out holds."""
    if only is None:
        return {}
    kept, missing = {}, []
    for name in names:
        if name in only:
            continue
        try:
            with open(os.path.join(out, "reports", f"{name}.json"), encoding="utf-8") as f:
                kept[name] = Report.from_json(name, json.load(f))
        except (OSError, ValueError, KeyError, TypeError):
            missing.append(name)
    if missing:
        print(f"graded as well, having no report yet: {', '.join(missing)}", file=log, flush=True)
    return kept


def remove_stale(out, paths, folder, log):
    """Remove the reports of submissions no longer in folder, and say which."""
    where = os.path.join(out, "reports")
    files = os.listdir(where) if os.path.isdir(where) else []
    gone = sorted({f.rsplit(".", 1)[0] for f in files if f.endswith((".json", ".txt")) and not f.startswith(".")
                   and f.rsplit(".", 1)[0] not in paths})
    for name in gone:
        for ext in ("json", "txt"):
            if os.path.exists(os.path.join(where, f"{name}.{ext}")):
                os.remove(os.path.join(where, f"{name}.{ext}"))
    if gone:
        print(f"removed the reports of {', '.join(gone)}: no longer in {folder}", file=log, flush=True)


def finish(out, reports, paths, rubric, course, log, summary):
    """Write the gradebook of reports (sorted by name), the class summary and the exports, and say where they are."""
    reports.sort(key=lambda pair: pair[0])
    entries = [Entry(name, roster.student(course.roster, name), report, modified(paths.get(name)))
               for name, report in reports]
    formats.write(os.path.join(out, "gradebook.csv"), gradebook(entries, rubric))
    figures = Summary(entries)
    formats.write(os.path.join(out, "summary.csv"), csv_text(figures))
    formats.write(os.path.join(out, "summary.html"), page(figures, f"Class summary: {title(reports)}"))
    for platform in course.platforms:
        text, left_out = exports.export(platform, entries, course.roster or {}, course.assignment)
        formats.write(os.path.join(out, f"{platform}.csv"), text)
        if left_out:
            print(f"{platform}.csv leaves out {', '.join(left_out)}: not in the roster", file=log, flush=True)
    print(f"{summary}; gradebook: {os.path.join(out, 'gradebook.csv')}, class summary: "
          f"{os.path.join(out, 'summary.html')}", file=log, flush=True)


def title(reports):
    """What the course graded: "step 3 (dense)", "relu", or the components."""
    graded = sorted({r.component for _, r in reports if r.component})
    steps = sorted({r.step for _, r in reports if r.step is not None})
    what = ", ".join(graded) or "submissions"
    return f"step {steps[0]} ({what})" if len(steps) == 1 else what


def modified(path):
    """A submission's modification time, ISO 8601 UTC: its file's, or the latest of a folder's files ("" if none)."""
    if path is None or not os.path.lexists(path):
        return ""
    times = [os.lstat(path).st_mtime]
    if os.path.isdir(path):
        times = [os.lstat(os.path.join(root, f)).st_mtime for root, _, files in os.walk(path) for f in files
                 if not f.startswith(".")] or times
    return datetime.fromtimestamp(max(times), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def gradebook(entries, rubric):
    """The gradebook as CSV text: one row per submission."""
    names = [n for n in rubric if rubric[n]]
    components = {e.report.component for e in entries if e.report.component}
    if len(components) == 1:
        names = checks_for(rubric, components.pop())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "student_id", "student_name", "modified", "component", "status", *names, "total",
                     "max_score", "diagnosis", "seconds", "seed", "message"])
    for e in entries:
        report, points = e.report, {c.name: c.score for c in e.report.checks}
        writer.writerow([cell(e.name), cell(e.student.id), cell(e.student.name), e.modified, report.component or "",
                         report.status, *[f"{points.get(n, 0):g}" for n in names], f"{report.score:g}",
                         f"{report.max_score:g}", diagnosis_cell(report), f"{report.seconds:.2f}",
                         "" if report.seed is None else report.seed, cell(report.message)])
    return buffer.getvalue()
