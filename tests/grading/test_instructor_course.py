"""A course of 30 submissions, graded in-process: one gradebook row each, a class summary, a regrade, the exports.

The course holds .py files, notebooks, a folder, a non-ASCII name, a file that
cannot be read (a dangling link), a damaged notebook and a PDF, beside the
leftovers an archiver or Jupyter adds (__MACOSX/, .ipynb_checkpoints/). The
grading runs in the workers themselves (isolated=False): isolation is not
what these tests are about.
"""
import csv
import io
import json
import os
import shutil
from html.parser import HTMLParser

import pytest

from checks.grading.grade_all import grade_all
from checks.grading.gradebook import Course
from checks.grading.limits import Limits
from checks.grading.roster import key, load
from checks.grading.samples import write
from reference.dense import Dense
from tests import planted
from tests.grading.sources import standalone

RUBRIC = {"forward": 2, "gradient": 4}
LIMITS = Limits(examples=3, epochs=1)
SINGLE = [f"s{i:02d}" for i in range(14)]  # db from the first row alone: single-sample in db
CORRECT = [f"c{i:02d}" for i in range(6)]
FLIPPED = ["f00", "f01", "f02"]
TRANSPOSED = ["t00", "t01"]
NOTEBOOKS = {"s00", "s01", "s02", "c00"}
UNGRADABLE = {"gone.py": "link to a file that does not exist", "damaged.ipynb": "not valid JSON",
              "essay.pdf": "a .pdf file is not something the grader can run"}


def notebook(source):
    """A notebook holding source in a code cell, between a markdown cell, magics and a shell line."""
    lines = ["%matplotlib inline\n", "!pip install numpy\n"] + [line + "\n" for line in source.splitlines()]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# My dense layer"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1, "source": lines},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2, "source": "%%bash\nls\n"}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def hand_in(folder, name, cls):
    source = standalone(cls, "Dense")
    if name in NOTEBOOKS:
        return write(folder, f"{name}.ipynb", notebook(source))
    return write(folder, f"{name}.py", source)


def make_course(folder):
    """The 30 submissions, and the roster of the 27 graded ones (ids 1000 on, names "Student sNN")."""
    os.makedirs(folder)
    for names, cls in ((SINGLE, planted.DenseBiasNotSummed), (CORRECT, Dense), (FLIPPED, planted.DenseSignFlip),
                       (TRANSPOSED, planted.DenseTransposed)):
        for name in names:
            hand_in(folder, name, cls)
    os.makedirs(os.path.join(folder, "grace"))
    write(os.path.join(folder, "grace"), "layer.py", standalone(Dense, "Dense"))
    write(os.path.join(folder, "grace"), "notes.py", "UNUSED = 1\n")
    write(folder, "zoë-ångström.py", standalone(Dense, "Dense"))
    os.symlink(os.path.join(folder, "nowhere.py"), os.path.join(folder, "gone.py"))
    write(folder, "damaged.ipynb", '{"cells": [{"cell_type": "code", "sour')
    write(folder, "essay.pdf", "%PDF-1.4\n")
    os.makedirs(os.path.join(folder, "__MACOSX"))
    write(os.path.join(folder, "__MACOSX"), "._s03.py", "\x00\x05\x16\x07")
    os.makedirs(os.path.join(folder, ".ipynb_checkpoints"))
    write(os.path.join(folder, ".ipynb_checkpoints"), "s00-checkpoint.ipynb", "{}")


def roster_file(tmp_path, folder):
    lines = ["submission,id,name,sis_user_id,section,email"]
    for i, entry in enumerate(sorted(os.listdir(folder))):
        if not entry.startswith((".", "__")) and entry not in UNGRADABLE:
            stem = os.path.splitext(entry)[0]
            lines.append(f"{entry},{1000 + i},Student {stem},SIS{i},A,{stem}@uni.example")
    lines.append("absent.py,2000,Ada Absent,SIS99,B,ada@uni.example")
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def gradebook(out):
    with open(os.path.join(out, "gradebook.csv"), encoding="utf-8", newline="") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


class Page(HTMLParser):
    """The bars of svg#histogram and the rows of table#diagnoses in summary.html."""

    def __init__(self):
        super().__init__()
        self.bars, self.rows, self.table, self.cell = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "rect" and attrs.get("class") == "bar":
            self.bars.append((attrs["data-bin"], int(attrs["data-count"])))
        elif tag == "table":
            self.table = attrs.get("id")
        elif tag == "tr" and self.table == "diagnoses":
            self.rows.append([])
        elif tag == "td" and self.table == "diagnoses":
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.table = None


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(folder, out, roster file, log, reports) of the course graded once, with a roster and both exports."""
    tmp_path = tmp_path_factory.mktemp("course")
    folder, out = str(tmp_path / "submissions"), str(tmp_path / "grades")
    make_course(folder)
    roster = roster_file(tmp_path, folder)
    log = io.StringIO()
    reports = grade_all(folder, out, 2, "dense", RUBRIC, LIMITS, log=log, seed=7, isolated=False,
                        course=Course(load(roster), ("canvas", "moodle"), "Dense layer"))
    return folder, out, roster, log.getvalue(), dict(reports)


def test_every_submission_gets_one_row_and_the_leftovers_none(course):
    folder, out, _, log, reports = course
    rows = gradebook(out)
    assert len(rows) == 30 == len(reports)
    assert "__MACOSX" not in rows and ".ipynb_checkpoints" not in rows
    assert "graded 30 submissions" in log
    assert set(os.listdir(os.path.join(out, "reports"))) == {f"{n}.{ext}" for n in rows for ext in ("json", "txt")}


def test_notebooks_folders_and_non_ascii_names_are_graded(course):
    rows = gradebook(course[1])
    for name in ("c00.ipynb", "c01.py", "grace", "zoë-ångström.py"):
        assert (rows[name]["status"], rows[name]["total"]) == ("graded", "6"), rows[name]
    assert "graded code cell 2 of the notebook; 4 IPython magic or shell lines left out" in rows["c00.ipynb"]["message"]
    assert course[4]["s00.ipynb"].cells == [2]
    assert rows["zoë-ångström.py"]["student_name"] == "Student zoë-ångström"


def test_what_cannot_be_graded_gets_a_not_gradable_row_with_its_reason(course):
    rows = gradebook(course[1])
    for name, reason in UNGRADABLE.items():
        assert rows[name]["status"] == "not-gradable" and reason in rows[name]["message"], rows[name]
        assert rows[name]["total"] == "0" and rows[name]["student_id"] == key(name)


def test_the_gradebook_carries_diagnosis_student_and_modification_time(course):
    folder, out = course[0], course[1]
    rows = gradebook(out)
    assert rows["s05.py"]["diagnosis"] == "gradient: single-sample in db"
    assert rows["f00.py"]["diagnosis"].startswith("gradient: sign-flip")
    assert rows["c01.py"]["diagnosis"] == ""
    assert rows["s05.py"]["student_id"].isdigit() and rows["s05.py"]["student_name"] == "Student s05"
    assert rows["s05.py"]["modified"].endswith("Z") and rows["s05.py"]["modified"][:4].isdigit()
    assert float(rows["s05.py"]["seconds"]) > 0 and rows["s05.py"]["seed"] == "7"


def test_summary_html_shows_the_histogram_and_the_diagnoses(course):
    out = course[1]
    page = Page()
    with open(os.path.join(out, "summary.html"), encoding="utf-8") as f:
        text = f.read()
    page.feed(text)
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external asset
    counts = dict(page.bars)
    assert len(page.bars) == 10 and sum(counts.values()) == 30
    assert counts["90-100%"] == 8 and counts["0-10%"] >= 3  # correct ones; the three that cannot be graded
    top = page.rows[1]  # row 0 is the header
    assert top[0] == "14" and top[1] == "single-sample in db" and "Student s00" in top[2] and "db equals" in top[3]
    assert any(r[1].startswith("sign-flip") and r[0] == "3" for r in page.rows[1:])


def test_summary_csv_has_the_same_figures(course):
    with open(os.path.join(course[1], "summary.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    diagnosis = next(r for r in rows if r["kind"] == "diagnosis")
    assert (diagnosis["item"], diagnosis["count"]) == ("single-sample in db", "14")
    gradient = next(r for r in rows if r["kind"] == "check" and r["item"] == "gradient")
    assert (gradient["count"], gradient["of"]) == ("8", "30")
    assert sum(int(r["count"]) for r in rows if r["kind"] == "score") == 30


def test_canvas_and_moodle_exports_list_the_roster(course):
    out = course[1]
    with open(os.path.join(out, "canvas.csv"), encoding="utf-8", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Dense layer"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == "6"
    by_name = {row[0]: row for row in canvas[2:]}
    assert len(by_name) == 28 and by_name["Ada Absent"][-1] == ""  # on the roster, no submission: left unchanged
    assert by_name["Student c01"][-1] == "6" and by_name["Student s05"][-1] == "2"
    with open(os.path.join(out, "moodle.csv"), encoding="utf-8", newline="") as f:
        moodle = list(csv.reader(f))
    assert moodle[0] == ["ID number", "Email address", "Full name", "Dense layer"]
    assert ["s05@uni.example", "Student s05", "2"] == next(r for r in moodle if r[2] == "Student s05")[1:]
    assert "canvas.csv leaves out damaged.ipynb, essay.pdf, gone.py: not in the roster" in course[3]


def test_a_regrade_replaces_the_named_reports_keeps_the_others_and_drops_the_departed(course, tmp_path):
    folder, out = str(tmp_path / "submissions"), str(tmp_path / "grades")
    shutil.copytree(course[0], folder, symlinks=True)
    shutil.copytree(course[1], out)
    before = gradebook(out)
    hand_in(folder, "s03", Dense)  # s03.py corrected
    os.remove(os.path.join(folder, "f02.py"))  # withdrawn
    shutil.rmtree(os.path.join(folder, "grace"))
    log = io.StringIO()
    reports = dict(grade_all(folder, out, 1, "dense", RUBRIC, LIMITS, log=log, seed=7, isolated=False,
                             only={"s03.py"}))
    after = gradebook(out)
    assert len(reports) == len(after) == 28 and "f02.py" not in after and "grace" not in after
    assert after["s03.py"]["total"] == "6" and before["s03.py"]["total"] == "2"
    assert all(after[n]["total"] == before[n]["total"] and after[n]["seconds"] == before[n]["seconds"]
               for n in after if n != "s03.py")
    assert "graded 1 submissions" in log.getvalue() and "kept the reports of 27" in log.getvalue()
    assert "removed the reports of f02.py, grace: no longer in" in log.getvalue()
    assert not os.path.exists(os.path.join(out, "reports", "f02.py.json"))


def test_a_folder_is_graded_by_its_py_files_or_its_one_notebook(tmp_path):
    folder = tmp_path / "course"
    for name in ("empty", "one", "two"):
        (folder / name).mkdir(parents=True)
    write(str(folder / "one"), "work.ipynb", notebook(standalone(Dense, "Dense")))
    write(str(folder / "two"), "a.ipynb", notebook(standalone(Dense, "Dense")))
    write(str(folder / "two"), "b.ipynb", notebook(standalone(Dense, "Dense")))
    reports = dict(grade_all(str(folder), str(tmp_path / "grades"), 1, "dense", RUBRIC, LIMITS, log=io.StringIO(),
                             isolated=False))
    assert (reports["one"].status, reports["one"].score, reports["one"].file) == ("graded", 6, "one")
    assert reports["empty"].status == reports["two"].status == "not-gradable"
    assert reports["empty"].message == "the folder holds no .py file and no notebook (.ipynb)"
    assert "several notebooks (a.ipynb, b.ipynb) and no .py file" in reports["two"].message
