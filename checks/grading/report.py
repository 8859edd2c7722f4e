"""What grading found: one CheckResult per rubric check, and the submission's Report.

Report.to_json() is the JSON report:
{"component", "score", "max_score", "status", "message", "checks": [{"name",
"status", "score", "max_score", "message", "diagnosis"}]}, plus "step" (the
course step, when one was graded), "cells" (the notebook cells graded,
when the submission was a notebook), "output" (the start of what the
submission printed), "refused" (what the sandbox refused) and "isolation"
(why the child ran without the sandbox) when there is any.

Submission statuses: graded, syntax-error, import-error, missing-class,
timeout, memory-limit, crashed, and in a course not-gradable (a file the
grader cannot read as a submission). Check statuses: passed, failed, not-run.
"""
from dataclasses import dataclass, field

from checks.grading.isolation import reduced_note

STATUSES = ("graded", "syntax-error", "import-error", "missing-class", "timeout", "memory-limit", "crashed",
            "not-gradable")
PASSED, FAILED, NOT_RUN = "passed", "failed", "not-run"


@dataclass
class CheckResult:
    """One rubric check of one submission."""

    name: str
    status: str
    score: float
    max_score: float
    message: str
    diagnosis: str = None  # a code of the gradient checker (checks/gradcheck/diagnosis.py, checks/gradcheck/probes.py), or None
    reread: str = None  # the spec section to reread when it failed

    def to_json(self):
        return {"name": self.name, "status": self.status, "score": self.score, "max_score": self.max_score,
                "message": self.message, "diagnosis": self.diagnosis}


@dataclass
class Report:
    """The grade of one submission."""

    file: str
    component: str = None
    status: str = "graded"
    message: str = ""
    checks: list = field(default_factory=list)
    output: str = ""
    refused: list = field(default_factory=list)
    seconds: float = 0.0
    step: int = None  # the course step graded (specs/course.md), or None
    seed: int = None  # what the checks drew their shapes and arguments from: --seed reproduces the grading
    variants: list = field(default_factory=list)  # the drawn variants, e.g. "Dense(4, 6) on x (5, 4)"
    degenerate: list = field(default_factory=list)  # "identity", "constant output", "all-zero gradient"
    isolation: str = field(default_factory=reduced_note)  # "isolation: reduced: <why>" without the sandbox, else ""
    cells: list = field(default_factory=list)  # the notebook cells graded (numbered from 1), for a notebook

    @classmethod
    def from_json(cls, file, data):
        """The Report of a JSON report (to_json, with the "seconds" formats.as_json adds)."""
        checks = [CheckResult(c["name"], c["status"], c["score"], c["max_score"], c["message"], c.get("diagnosis"))
                  for c in data.get("checks", [])]
        return cls(file, data.get("component"), data.get("status", "graded"), data.get("message", ""), checks,
                   data.get("output", ""), list(data.get("refused", [])), data.get("seconds", 0.0),
                   data.get("step"), data.get("seed"), list(data.get("variants", [])),
                   list(data.get("degenerate", [])), data.get("isolation", ""), list(data.get("cells", [])))

    @property
    def score(self):
        return round(sum(c.score for c in self.checks), 2)

    @property
    def max_score(self):
        return round(sum(c.max_score for c in self.checks), 2)

    @property
    def passed(self):
        return self.status == "graded" and all(c.status == PASSED for c in self.checks)

    def to_json(self):
        out = {"component": self.component, "score": self.score, "max_score": self.max_score,
               "status": self.status, "message": self.message, "checks": [c.to_json() for c in self.checks]}
        if self.step is not None:
            out["step"] = self.step
        if self.seed is not None:
            out["seed"], out["variants"] = self.seed, list(self.variants)
        if self.cells:
            out["cells"] = list(self.cells)
        if self.degenerate:
            out["degenerate"] = list(self.degenerate)
        if self.output:
            out["output"] = self.output
        if self.refused:
            out["refused"] = list(self.refused)
        if self.isolation:
            out["isolation"] = self.isolation
        return out


def not_run(rubric, names, reason):
    """0-point results for the checks names, each saying why it did not run."""
    return [CheckResult(n, NOT_RUN, 0, rubric[n], f"not run: {reason}") for n in names]
