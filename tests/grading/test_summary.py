"""The class summary's figures, its CSV and its page, from reports made by hand."""
import csv
import io
from html.parser import HTMLParser

from checks.grading.report import FAILED, NOT_RUN, PASSED, CheckResult, Report
from checks.grading.roster import Student
from checks.grading.summary import Entry, Summary, csv_text, diagnosis_cell, findings
from checks.grading.summary_page import page

SINGLE = ("dense: gradient check failed.\n  db: 3 of 3 entries disagree\n  Diagnosis: single-sample. db equals the "
          "gradient of row 0 of the batch alone in all 3 entries: the contributions of the 4 rows are not summed.\n"
          "  Reread specs/dense.md.")
FLIP = "dense: gradient check failed.\n  Diagnosis: sign-flip. dx equals minus the numeric gradient in all 8 entries."


def report(name, forward, gradient=None, seconds=1.0, status="graded"):
    """A dense report: forward passed or not (2 points), gradient passed (None) or failed with a message (4)."""
    checks = [CheckResult("forward", PASSED if forward else FAILED, 2 if forward else 0, 2, "forward"),
              CheckResult("gradient", PASSED, 4, 4, "ok") if gradient is None else
              CheckResult("gradient", FAILED, 0, 4, gradient, diagnosis=gradient.split("Diagnosis: ")[1].split(".")[0])]
    return Report(name, "dense", status, "", checks, seconds=seconds, isolation="")


def entry(name, rep, who=""):
    return Entry(name, Student(id=name.split(".")[0], name=who), rep, "2026-01-01T00:00:00Z")


def course():
    entries = [entry(f"s{i}.py", report(f"s{i}.py", True, SINGLE, seconds=i), f"Student {i}") for i in range(4)]
    entries += [entry("flip.py", report("flip.py", True, FLIP)), entry("good.py", report("good.py", True)),
                entry("wrong.py", report("wrong.py", False, FLIP, seconds=9.5))]
    broken = Report("essay.pdf", "dense", "not-gradable", "a .pdf file", [
        CheckResult("forward", NOT_RUN, 0, 2, "not run"), CheckResult("gradient", NOT_RUN, 0, 4, "not run")])
    return entries + [entry("essay.pdf", broken)]


def test_findings_name_the_code_the_block_and_the_evidence():
    found = findings(report("a.py", True, SINGLE))
    assert [(f.check, f.code, f.block, f.label) for f in found] == [
        ("gradient", "single-sample", "db", "single-sample in db")]
    assert found[0].evidence.startswith("db equals the gradient of row 0")
    assert diagnosis_cell(report("a.py", False, FLIP)) == "gradient: sign-flip in dx"
    assert diagnosis_cell(report("a.py", True)) == ""


def test_a_diagnosis_without_a_block_is_its_code_alone():
    rep = report("a.py", True)
    rep.checks.append(CheckResult("overwrite", FAILED, 0, 1, "property failed", diagnosis="accumulates"))
    assert diagnosis_cell(rep) == "overwrite: accumulates"


def test_the_histogram_bins_scores_by_their_share_of_the_maximum():
    summary = Summary(course())
    assert summary.max_score == 6 and len(summary.bins) == 10
    assert summary.bins[3] == 5  # 2 of 6 points: the four single-sample ones and flip
    assert summary.bins[9] == 1 and summary.bins[0] == 2  # good.py at 100%; wrong.py and essay.pdf at 0
    assert sum(summary.bins) == 8


def test_pass_rates_count_every_submission_that_has_the_check():
    summary = Summary(course())
    assert summary.checks == {"forward": (6, 8), "gradient": (1, 8)}


def test_diagnoses_are_ranked_by_students_each_counted_once():
    entries = course()
    entries[0].report.checks.append(CheckResult("consistency", FAILED, 0, 1, SINGLE, diagnosis="single-sample"))
    diagnoses = Summary(entries).diagnoses
    assert [(label, len(students)) for label, students, _ in diagnoses] == [("single-sample in db", 4),
                                                                           ("sign-flip in dx", 2)]
    label, students, (evidence, who) = diagnoses[0]
    assert students == ["Student 0", "Student 1", "Student 2", "Student 3"] and who == "Student 0"
    assert diagnoses[1][1] == ["flip", "wrong"]  # no name on the roster: the student id


def test_the_slowest_are_listed_slowest_first_without_what_never_ran():
    slowest = Summary(course()).slowest
    assert [e.name for e in slowest] == ["wrong.py", "s3.py", "s2.py", "s1.py", "flip.py"]


def test_summary_csv_holds_every_figure_and_no_formula():
    entries = course()
    entries[0].student.name = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.DictReader(io.StringIO(csv_text(Summary(entries)))))
    kinds = [r["kind"] for r in rows]
    assert kinds.count("score") == 10 and kinds.count("check") == 2 and kinds.count("slowest") == 5
    statuses = {r["item"]: r["count"] for r in rows if r["kind"] == "status"}
    assert statuses == {"graded": "7", "not-gradable": "1"}
    single = next(r for r in rows if r["kind"] == "diagnosis")
    assert single["students"].startswith("'=HYPERLINK") and single["share"] == "0.50"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_the_page_escapes_what_students_wrote():
    entries = course()
    entries[0].student.name = "<script>alert(1)</script>"
    text = page(Summary(entries), "Class summary: <dense>")
    parsed = Tags()
    parsed.feed(text)
    assert not any(tag == "script" for tag, _ in parsed.tags)
    assert "<script>alert(1)</script>" in "".join(parsed.text)
    assert "<title>Class summary: &lt;dense&gt;</title>" in text


def test_the_page_has_a_bar_per_bin_as_tall_as_its_count():
    parsed = Tags()
    parsed.feed(page(Summary(course()), "t"))
    bars = [attrs for tag, attrs in parsed.tags if tag == "rect" and attrs.get("class") == "bar"]
    heights = {a["data-bin"]: (int(a["data-count"]), int(a["height"])) for a in bars}
    assert len(bars) == 10 and heights["30-40%"][0] == 5
    assert heights["30-40%"][1] > heights["0-10%"][1] > heights["90-100%"][1] > 0 == heights["50-60%"][1]
    ids = {attrs.get("id") for tag, attrs in parsed.tags}
    assert {"histogram", "statuses", "checks", "diagnoses", "slowest"} <= ids


def test_a_class_without_diagnoses_says_so():
    text = page(Summary([entry("good.py", report("good.py", True))]), "t")
    assert 'id="diagnoses">No failing check carries a diagnosis.' in text
