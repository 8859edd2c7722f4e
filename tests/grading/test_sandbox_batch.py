"""Batch attacks: a grade-all around them finishes, with a complete gradebook and every classmate's grade as it
is when graded alone; Ctrl-C keeps what finished; without the sandbox a course needs an explicit flag.
"""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile

import pytest

import reference
from reference.trainer.bike_sharing import chronological_split, load
from checks import baseline
from checks.grading import formats
from checks.grading.bundle import bundle
from checks.grading.grade import grade
from checks.grading.grade_all import grade_all
from checks.grading.isolation import current
from checks.grading.limits import Limits
from checks.grading.places import ROOT
from checks.grading.report import Report
from tests.grading.attacks import attack, footprint
from tests.grading.sources import standalone

QUICK = {"forward": 2, "gradient": 4}
LIMITS = Limits(call=2.0, load=5.0, total=30.0, memory=256 << 20, examples=3)
CLASSMATES = ("fork_child", "sign_flip_twin")
ATTACKERS = ("signal_grader", "surrogate_key", "ansi_flood", "refusal_rewrite", "disk_fill")
NO_SANDBOX = pytest.mark.skipif(current().reduced, reason=f"no sandbox on this machine ({current().reason})")


def course(tmp_path, names):
    """A folder of submissions, one per exploit name; -> its path."""
    folder = tmp_path / "course"
    folder.mkdir()
    for name in names:
        attack(name, str(folder))
    return str(folder)


def rows(out):
    with open(os.path.join(out, "gradebook.csv"), encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


@NO_SANDBOX
def test_attackers_in_a_batch_leave_every_classmates_grade_unchanged(tmp_path):
    folder, out = course(tmp_path, CLASSMATES + ATTACKERS), str(tmp_path / "grades")
    alone = {name: grade(os.path.join(folder, f"{name}.py"), "relu", QUICK, LIMITS).score for name in CLASSMATES}
    before = footprint()
    reports = dict(grade_all(folder, out, 2, "relu", QUICK, LIMITS, log=io.StringIO()))
    assert footprint() == before
    book = rows(out)
    assert sorted(book) == sorted(f"{n}.py" for n in CLASSMATES + ATTACKERS)
    assert all(float(book[f"{n}.py"]["total"]) == alone[n] for n in CLASSMATES)
    assert len(os.listdir(os.path.join(out, "reports"))) == 2 * len(book)
    assert reports["signal_grader.py"].score == reports["refusal_rewrite.py"].score == 6
    assert reports["surrogate_key.py"].score == reports["ansi_flood.py"].score == 0


def test_editing_the_training_rows_does_not_reach_the_next_submission_of_the_same_worker(tmp_path):
    folder, out = tmp_path / "course", str(tmp_path / "grades")
    folder.mkdir()
    shutil.copy(attack("poison_arguments"), folder / "a_poison.py")
    (folder / "b_honest.py").write_text(standalone(reference.Dense, "Dense"), encoding="utf-8")
    reports = dict(grade_all(str(folder), out, 1, "dense", {"forward": 2, "baseline": 2}, Limits(examples=3),
                             log=io.StringIO()))
    assert reports["a_poison.py"].status == "graded" and float(rows(out)["b_honest.py"]["total"]) == 4
    x, y = load()
    assert baseline.bike_data() == tuple(tuple(tuple(map(tuple, rows)) for rows in part)
                                         for part in chronological_split(x, y, (0.8, 0.2)))


def quick(tmp_path):
    """A rubric file of forward and gradient only (every other default check at 0 points); -> its path."""
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps({name: 0 for name in ("overwrite", "fresh-cache", "no-mutation", "determinism",
                                                     "stability", "properties", "baseline")}))
    return str(path)


def run_checks(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "checks", *args], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, preexec_fn=interruptible)


def interruptible():
    """Ctrl-C as a terminal gives it: a test run started in the background inherits SIGINT ignored, and Python then
    never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


COPIES = 60  # a grading takes about 0.3 s here: 60 at --jobs 2 is about 9 s


def test_ctrl_c_writes_the_gradebook_of_what_finished_and_exits_130(tmp_path):
    folder = course(tmp_path, ["fork_child"])
    for i in range(COPIES):  # enough that the batch is still running when Ctrl-C comes
        shutil.copy(os.path.join(folder, "fork_child.py"), os.path.join(folder, f"s{i:02d}.py"))
    out = str(tmp_path / "grades")
    proc = run_checks("grade-all", folder, "--component", "relu", "--examples", "3", "--rubric", quick(tmp_path),
                      "--out", out, "--allow-reduced-isolation")
    seen = [proc.stderr.readline()]
    while not seen[-1].startswith("[2/"):
        seen.append(proc.stderr.readline())
        assert seen[-1], "".join(seen)
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=30) == 130, rest
    assert "interrupted after" in rest and "Traceback" not in rest
    book = rows(out)
    assert 2 <= len(book) < COPIES + 1 and all(row["total"] == "6" for row in book.values())


def test_without_the_sandbox_a_course_needs_the_flag_and_every_report_says_so(tmp_path):
    folder = course(tmp_path, ["fork_child"])
    reduced = {"NN_GRADER_ISOLATION": "reduced"}
    proc = run_checks("grade-all", folder, "--component", "relu", env=reduced)
    error = proc.stderr.read()
    assert proc.wait() == 2 and error.count("\n") == 1
    assert "isolation: reduced:" in error and "--allow-reduced-isolation" in error
    out = str(tmp_path / "report.json")
    proc = run_checks("grade", os.path.join(folder, "fork_child.py"), "--component", "relu", "--examples", "3",
                      "--rubric", quick(tmp_path), "--format", "json", "--out", out, env=reduced)
    assert proc.wait() in (0, 1) and "isolation: reduced:" in proc.stderr.read()
    with open(out, encoding="utf-8") as f:
        assert json.load(f)["isolation"].startswith("isolation: reduced: NN_GRADER_ISOLATION=reduced")


def test_the_gradescope_setup_installs_bubblewrap():
    with zipfile.ZipFile(io.BytesIO(bundle("relu"))) as z:
        setup = z.read("setup.sh").decode()
    assert "apt-get install -y -qq bubblewrap" in setup and "command -v bwrap" in setup


def test_every_report_format_carries_the_reduced_isolation_line():
    report = Report("a.py", "relu", isolation="isolation: reduced: bubblewrap (bwrap) is not installed")
    for fmt in formats.FORMATS:
        assert "isolation: reduced: bubblewrap (bwrap) is not installed" in formats.render(report, fmt), fmt
    assert "isolation" not in Report("a.py", "relu", isolation="").to_json()
