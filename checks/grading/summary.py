"""What a class got: the numbers of summary.html and summary.csv, from the reports of a course.

Entry is one gradebook row: the submission's name, its Student (roster.py),
its Report and the file's modification time. Summary(entries) computes:

- bins: the score distribution, as a share of the maximum, in ten bins of
  10% (the last one holds 100%);
- statuses: how many submissions have each status;
- checks: for every check, how many submissions passed it, of how many;
- diagnoses: each diagnosis of the gradient checker (checks/gradcheck/diagnosis.py,
  checks/gradcheck/probes.py) that failing checks carry, with the gradient block it
  was found in ("single-sample in db"), the students who have it, most
  common first, and one student's evidence as an example;
- slowest: the submissions that took longest to grade.

csv_text(summary) is summary.csv: one row per figure, with a kind column
(score, status, check, diagnosis, slowest).
"""
import csv
import io
import re
import statistics
from dataclasses import dataclass

from checks.grading.formats import cell
from checks.grading.report import PASSED

BINS = 10
SLOWEST = 5
EVIDENCE = re.compile(r"Diagnosis: ([\w-]+)\.\s*(.*)")
BLOCK = re.compile(r"(d[\w.\[\]]*) ")


@dataclass
class Entry:
    """One submission of a course, as the gradebook shows it."""

    name: str
    student: object  # roster.Student
    report: object  # report.Report
    modified: str = ""  # the file's modification time, ISO 8601 UTC

    @property
    def who(self):
        return self.student.name or self.student.id


@dataclass
class Finding:
    """One diagnosis a failing check carries: its check, code, gradient block (or ""), and evidence sentence."""

    check: str
    code: str
    block: str
    evidence: str

    @property
    def label(self):
        return f"{self.code} in {self.block}" if self.block else self.code


def findings(report):
    """The Findings of a report's failing checks, in check order."""
    found = []
    for c in report.checks:
        if c.status == PASSED or not c.diagnosis:
            continue
        evidence = next((m.group(2) for m in map(EVIDENCE.search, c.message.splitlines())
                         if m and m.group(1) == c.diagnosis), "")
        block = BLOCK.match(evidence)
        found.append(Finding(c.name, c.diagnosis, block.group(1) if block else "", evidence))
    return found


def diagnosis_cell(report):
    """The gradebook's diagnosis of a submission: 'check: code in block' for each failing check that has one."""
    return "; ".join(f"{f.check}: {f.label}" for f in findings(report))


def share(report):
    return report.score / report.max_score if report.max_score else 0.0


class Summary:
    """The figures of a course (see the module docstring)."""

    def __init__(self, entries):
        self.entries = entries
        self.scores = [e.report.score for e in entries]
        self.max_score = max((e.report.max_score for e in entries), default=0)
        self.bins = [0] * BINS
        for e in entries:
            self.bins[min(int(share(e.report) * BINS), BINS - 1)] += 1
        self.statuses = {}
        for e in entries:
            self.statuses.setdefault(e.report.status, []).append(e.who)
        self.checks = self.count_checks()
        self.diagnoses = self.count_diagnoses()
        timed = [e for e in entries if e.report.seconds > 0]  # a submission that never ran took no time
        self.slowest = sorted(timed, key=lambda e: -e.report.seconds)[:SLOWEST]

    def count_checks(self):
        """{check: (passed, of)} in the order the reports list their checks."""
        counts = {}
        for e in self.entries:
            for c in e.report.checks:
                passed, of = counts.get(c.name, (0, 0))
                counts[c.name] = (passed + (c.status == PASSED), of + 1)
        return counts

    def count_diagnoses(self):
        """[(label, [students], example evidence)], the most common first (each student counted once a label)."""
        found = {}
        for e in self.entries:
            for f in findings(e.report):
                students, example = found.setdefault(f.label, ([], [f.evidence, e.who]))
                if e.who not in students:
                    students.append(e.who)
        ranked = sorted(found.items(), key=lambda item: (-len(item[1][0]), item[0]))
        return [(label, students, example) for label, (students, example) in ranked]

    def bin_label(self, i):
        return f"{i * 100 // BINS}-{(i + 1) * 100 // BINS}%"

    def headline(self):
        if not self.scores:
            return "no submissions"
        return (f"{len(self.entries)} submissions; mean {statistics.mean(self.scores):.2f}, median "
                f"{statistics.median(self.scores):g} of {self.max_score:g} points")


def csv_text(summary):
    """summary.csv: kind, item, count, of, share, students, detail."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "item", "count", "of", "share", "students", "detail"])
    total = len(summary.entries)
    for i, n in enumerate(summary.bins):
        writer.writerow(["score", summary.bin_label(i), n, total, rate(n, total), "", ""])
    for status, students in summary.statuses.items():
        writer.writerow(["status", status, len(students), total, rate(len(students), total), names(students), ""])
    for check, (passed, of) in summary.checks.items():
        writer.writerow(["check", check, passed, of, rate(passed, of), "", "passed"])
    for label, students, (evidence, who) in summary.diagnoses:
        writer.writerow(["diagnosis", label, len(students), total, rate(len(students), total), names(students),
                         cell(f"{who}: {evidence}")])
    for e in summary.slowest:
        writer.writerow(["slowest", cell(e.name), "", "", "", cell(e.who),
                         f"{e.report.seconds:.1f} s, {e.report.status}"])
    return buffer.getvalue()


def rate(n, of):
    return f"{n / of:.2f}" if of else ""


def names(students):
    return cell("; ".join(students))
