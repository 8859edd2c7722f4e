"""grade-all's instructor options on the command line: roster, regrade, exports, exit status; the roster file."""
import csv
import os
import subprocess
import sys

import pytest

from checks.__main__ import main
from checks.grading.roster import RosterError, key, load, student
from checks.grading.samples import write

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args):
    return subprocess.run([sys.executable, "-m", "checks", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


# What these tests are about is not the isolation: on a machine without bubblewrap the course is graded in the
# reduced mode (tests/grading/test_sandbox_batch.py holds the refusal without this flag).
ANY_ISOLATION = "--allow-reduced-isolation"


@pytest.fixture
def course(tmp_path):
    """A course of files the grader cannot run: grading it costs no child process."""
    folder = tmp_path / "course"
    folder.mkdir()
    write(str(folder), "alice.docx", "not code")
    write(str(folder), "bob.txt", "not code")
    return str(folder)


def roster(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("args, message", [
    (["--only", "carol.py"], "--only carol.py: no submission of that name in"),
    (["--format", "canvas"], "--format canvas needs --roster FILE"),
    (["--format", "blackboard"], "invalid choice: 'blackboard'"),
    (["--roster", "{missing}"], "cannot be read"),
    (["--roster", "{no_id}"], "needs the columns submission and id, but has no id (its header is: submission, name)"),
    (["--roster", "{twice}"], "line 3: submission 'alice' is listed twice"),
    (["--roster", "{blank_id}"], "line 2: needs both a submission and an id"),
])
def test_every_instructor_usage_error_is_one_line_and_exit_2(args, message, tmp_path, course, monkeypatch, capsys):
    files = {"missing": str(tmp_path / "nope.csv"), "no_id": roster(tmp_path, "submission,name\nalice.docx,A\n")}
    files["twice"] = roster(tmp_path, "submission,id\nalice.py,1\nalice,2\n", "twice.csv")
    files["blank_id"] = roster(tmp_path, "submission,id\nalice.docx,\n", "blank.csv")
    monkeypatch.chdir(tmp_path)
    code = main(["grade-all", course, *[a.format(**files) for a in args]])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert message in err


def test_grade_all_help_says_when_it_exits_0():
    result = run("grade-all", "--help")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert "Exit status: 0 when the batch completed, whatever the students scored" in text
    for option in ("--only", "--roster", "--format", "--assignment"):
        assert option in text


def test_a_course_with_nothing_to_run_completes_with_exit_0_and_a_row_each(tmp_path, course):
    listed = roster(tmp_path, "Student,ID,SIS User ID,SIS Login ID,Section,Submission\nAlice A,11,S1,alice,A,"
                              "alice.docx\nBob B,12,S2,bob,B,bob.txt\n")
    out = str(tmp_path / "grades")
    result = run("grade-all", course, "--out", out, "--roster", listed, "--format", "canvas", "--component", "relu", ANY_ISOLATION)
    assert result.returncode == 0, result.stderr
    with open(os.path.join(out, "gradebook.csv"), encoding="utf-8", newline="") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    assert {n: (r["status"], r["student_id"], r["student_name"]) for n, r in rows.items()} == {
        "alice.docx": ("not-gradable", "11", "Alice A"), "bob.txt": ("not-gradable", "12", "Bob B")}
    assert "a .docx file is not something the grader can run" in rows["alice.docx"]["message"]
    with open(os.path.join(out, "canvas.csv"), encoding="utf-8", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[2] == ["Alice A", "11", "S1", "alice", "A", "0"]
    assert canvas[0][-1] == "nn-reference relu"
    assert os.path.exists(os.path.join(out, "summary.html")) and "class summary:" in result.stderr


def test_a_regrade_on_the_command_line_removes_what_left_and_says_so(tmp_path, course):
    out = str(tmp_path / "grades")
    assert run("grade-all", course, "--out", out, "--component", "relu", ANY_ISOLATION).returncode == 0
    os.remove(os.path.join(course, "bob.txt"))
    write(course, "carol.txt", "late")
    result = run("grade-all", course, "--out", out, "--component", "relu", "--only", "alice.docx", ANY_ISOLATION)
    assert result.returncode == 0, result.stderr
    assert "graded as well, having no report yet: carol.txt" in result.stderr
    assert "removed the reports of bob.txt: no longer in" in result.stderr
    assert sorted(os.listdir(os.path.join(out, "reports"))) == ["alice.docx.json", "alice.docx.txt",
                                                                 "carol.txt.json", "carol.txt.txt"]


def test_roster_keys_match_a_submission_with_or_without_its_extension():
    assert key("alice.py") == key("alice") == key("alice.ipynb") == key("alice/") == "alice"
    assert key("essay.pdf") == "essay.pdf" and key(" bob/ ") == "bob"


def test_the_roster_understands_a_byte_order_mark_and_canvas_headers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffSubmission,ID,Student,SIS User ID,Email address\nzoë.py,7,Zoë Ä,S7,z@x\n\n"
                     .encode("utf-8"))
    students = load(str(path))
    assert student(students, "zoë.ipynb").name == "Zoë Ä" and student(students, "zoë").email == "z@x"
    assert student(students, "someone.py").id == "someone" and student(students, "someone.py").name == ""


def test_an_empty_or_non_utf8_roster_is_refused(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(RosterError, match="is empty"):
        load(str(empty))
    latin = tmp_path / "l.csv"
    latin.write_bytes("submission,id\nzo\xeb.py,1\n".encode("latin-1"))
    with pytest.raises(RosterError, match="must be UTF-8"):
        load(str(latin))
