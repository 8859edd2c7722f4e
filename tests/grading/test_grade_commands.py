"""The grading commands: one-line usage errors, exit codes, report formats, templates, a course, a Gradescope bundle."""
import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from checks.__main__ import main
from checks.components import COMPONENTS
from checks.grading import GRADABLE, isolation
from checks.grading.templates import template
from checks.grading.samples import write
from tests.grading.sources import standalone
from tests import correct_implementations, planted

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPLOITS = os.path.join(ROOT, "tests", "exploits")
QUICK = {"baseline": 0}
FAST = ["--examples", "3", "--call-timeout", "2"]


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "checks", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.fixture
def quick_rubric(tmp_path):
    path = tmp_path / "quick.json"
    path.write_text(json.dumps(QUICK))
    return str(path)


@pytest.fixture
def relu(tmp_path):
    return write(tmp_path, "relu.py", standalone(correct_implementations.ReLUFromOutput, "ReLU"))


def bad_rubric(tmp_path, text):
    path = tmp_path / f"rubric-{abs(hash(text))}.json"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("args, message", [
    (["grade"], "the following arguments are required: FILE"),
    (["grade", "nope.py"], "nope.py: no such file or folder"),
    (["grade", "{relu}", "--component", "relux"], "invalid choice: 'relux'"),
    (["grade", "{relu}", "--format", "xml"], "invalid choice: 'xml'"),
    (["grade", "{relu}", "--timeout", "0"], "the total timeout must be a positive number of seconds, got 0.0"),
    (["grade", "{relu}", "--examples", "0"], "the number of property examples must be at least 1, got 0"),
    (["grade", "{relu}", "--rubric", "missing.json"], "rubric missing.json: cannot be read"),
    (["grade", "{relu}", "--rubric", "{unknown}"], "unknown check 'gradients'; checks are: forward, value, gradient"),
    (["grade", "{relu}", "--rubric", "{negative}"], "points for 'gradient' must be a number >= 0, got -1"),
    (["grade", "{relu}", "--rubric", "{not_json}"], "not valid JSON"),
    (["grade", "{relu}", "--rubric", "{a_list}"], "must be a JSON object mapping check names to points"),
    (["grade", "{relu}", "--out", "/proc/nope/report.json", "--rubric", "{forward_only}"], "cannot write"),
    (["grade-all", "nope"], "nope: no such folder"),
    (["grade-all", "{empty}"], "no submissions (files or subfolders) in it"),
    (["grade-all", "{empty}", "--jobs", "0"], "--jobs must be at least 1, got 0"),
    (["gradescope-bundle", "--out", "a.zip"], "one of the arguments --component --step is required"),
    (["template", "relux"], "invalid choice: 'relux'"),
    (["bogus"], "invalid choice: 'bogus'"),
])
def test_every_usage_error_is_one_line_and_exit_2(args, message, tmp_path, relu, monkeypatch, capsys):
    """In-process through main() (a process per case costs its imports); the next test crosses a real process."""
    files = {"relu": relu, "unknown": bad_rubric(tmp_path, '{"gradients": 1}'),
             "negative": bad_rubric(tmp_path, '{"gradient": -1}'), "not_json": bad_rubric(tmp_path, "{gradient: 1"),
             "a_list": bad_rubric(tmp_path, "[1]"), "empty": str(tmp_path / "empty"),
             "forward_only": bad_rubric(tmp_path, json.dumps({n: 0 for n in ("gradient", "overwrite", "fresh-cache",
                                        "no-mutation", "determinism", "stability", "properties", "baseline")}))}
    os.makedirs(files["empty"])
    monkeypatch.chdir(tmp_path)
    code = main([a.format(**files) for a in args])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == "" and err.count("\n") == 1 and err.startswith("python3 -m checks"), err
    assert message in err


def test_without_the_sandbox_a_command_line_mistake_is_named_before_the_isolation(tmp_path, monkeypatch, capsys):
    """On a machine without bubblewrap, grade-all names a wrong option first; the isolation is named only once the
    command line is right, and then asks for the flag."""
    monkeypatch.setattr(isolation, "current", lambda: isolation.Isolation("reduced", "bubblewrap (bwrap) is not "
                                                                                     "installed"))
    course = tmp_path / "course"
    course.mkdir()
    write(str(course), "alice.txt", "not code")
    assert main(["grade-all", str(course), "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "--jobs must be at least 1, got 0" in err and "isolation" not in err, err
    assert main(["grade-all", str(course), "--out", str(tmp_path / "grades")]) == 2
    err = capsys.readouterr().err
    assert "isolation: reduced: bubblewrap (bwrap) is not installed" in err and "--allow-reduced-isolation" in err
    assert not (tmp_path / "grades").exists()


def test_a_usage_error_from_a_real_process_is_one_line_exit_2_and_no_traceback(tmp_path):
    result = run("grade", "nope.py", "--format", "xml", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("python3 -m checks") and "invalid choice: 'xml'" in result.stderr


def test_grade_exits_0_when_everything_passes_and_1_otherwise(tmp_path, relu, quick_rubric):
    passing = run("grade", relu, "--rubric", quick_rubric, *FAST)
    assert passing.returncode == 0, passing.stdout
    assert passing.stdout.startswith("relu.py: relu, 13 / 13 points (graded)")
    bug = write(tmp_path, "dense.py", standalone(planted.DenseBiasMean, "Dense"))
    failing = run("grade", bug, "--component", "dense", "--rubric", quick_rubric, *FAST)
    assert failing.returncode == 1
    assert "FAIL  gradient" in failing.stdout and "Diagnosis: scale." in failing.stdout
    assert 'Reread specs/dense.md, section "Partial derivatives".' in failing.stdout


def test_the_json_report_has_exactly_the_documented_keys(tmp_path, quick_rubric):
    bug = write(tmp_path, "relu.py", standalone(planted.ReLUSignFlip, "ReLU"))
    result = run("grade", bug, "--component", "relu", "--format", "json", "--rubric", quick_rubric, *FAST)
    report = json.loads(result.stdout)
    reduced = {"isolation"} if isolation.current().reduced else set()  # a machine without bubblewrap says so
    assert set(report) == {"component", "score", "max_score", "status", "message", "checks", "seed", "variants",
                           *reduced}
    assert report["component"] == "relu" and report["status"] == "graded" and report["max_score"] == 13
    for check in report["checks"]:
        assert set(check) == {"name", "status", "score", "max_score", "message", "diagnosis"}
    gradient = next(c for c in report["checks"] if c["name"] == "gradient")
    assert gradient["diagnosis"] == "sign-flip" and gradient["score"] == 0 and gradient["status"] == "failed"
    assert report["score"] == sum(c["score"] for c in report["checks"])


def test_gradescope_and_junit_reports(tmp_path, quick_rubric):
    bug = write(tmp_path, "relu.py", standalone(planted.ReLUSignFlip, "ReLU"))
    out = tmp_path / "results.json"
    result = run("grade", bug, "--component", "relu", "--format", "gradescope", "--out", str(out), "--rubric",
                 quick_rubric, *FAST)
    assert result.returncode == 1 and result.stdout == "" and "report in" in result.stderr
    results = json.loads(out.read_text())
    assert set(results) == {"score", "execution_time", "output", "output_format", "tests"}
    assert results["score"] == sum(t["score"] for t in results["tests"])
    for test in results["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output"}
        assert test["status"] in ("passed", "failed") and test["name"].startswith("relu: ")
    junit = run("grade", bug, "--component", "relu", "--format", "junit", "--rubric", quick_rubric, *FAST)
    suite = ET.fromstring(junit.stdout).find("testsuite")
    not_counted = [t for t in results["tests"] if t["output"].startswith("not counted: the gradient")]
    assert len(not_counted) == 6  # the rules and properties: a wrong gradient leaves them not counted
    assert suite.get("tests") == "8" and suite.get("failures") == "1"
    case = next(c for c in suite.iter("testcase") if c.get("name") == "gradient")
    assert case.find("failure") is not None
    points = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert points == {"score": "0", "max_score": "4", "diagnosis": "sign-flip"}


def test_a_file_with_several_gradable_classes_needs_component(tmp_path, quick_rubric):
    both = write(tmp_path, "layers.py", standalone(planted.ReLUSignFlip, "ReLU"))
    report = json.loads(run("grade", both, "--format", "json", "--rubric", quick_rubric, *FAST).stdout)
    assert report["status"] == "missing-class" and "pass --component" in report["message"]


def test_a_fake_result_file_never_replaces_the_report(tmp_path, quick_rubric):
    out = tmp_path / "out" / "report.json"
    result = run("grade", os.path.join(EXPLOITS, "fake_results.py"), "--component", "relu", "--format", "json",
                 "--out", str(out), "--rubric", quick_rubric, *FAST)
    assert result.returncode == 1
    report = json.loads(out.read_text())
    assert report["score"] == 0 and report["status"] == "graded" and report["refused"]
    assert sorted(os.listdir(out.parent)) == ["report.json"]


@pytest.mark.parametrize("name", GRADABLE)
def test_every_template_is_a_python_file_with_the_formulas(name):
    text = template(name)
    compile(text, f"{name}.py", "exec")
    formulas = "def step(" if COMPONENTS[name].kind == "optimizer" else "Partial derivatives"
    assert "raise NotImplementedError" in text and formulas in text and f"specs/{name}.md" in text


def test_the_template_grades_0_with_a_friendly_message_and_filled_in_gets_full_marks(tmp_path, quick_rubric):
    printed = run("template", "relu")
    assert printed.returncode == 0
    starter = write(tmp_path, "relu.py", printed.stdout)
    result = run("grade", starter, "--format", "json", "--rubric", quick_rubric, *FAST)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["status"] == "graded" and report["score"] == 0
    assert report["message"] == ("not implemented yet: forward raises NotImplementedError; start with "
                                 "specs/relu.md")
    assert {c["message"] for c in report["checks"]} == {"not implemented yet: forward raises NotImplementedError",
                                                        "not counted: forward does not match the spec (not "
                                                        "implemented yet)"}
    filled = printed.stdout.replace(
        'raise NotImplementedError("forward: see specs/relu.md, Definition")',
        "self.x = x\n        return [[max(v, 0.0) for v in row] for row in x]").replace(
        'raise NotImplementedError("backward: see specs/relu.md, Partial derivatives")',
        "return [[g if v > 0.0 else 0.0 for g, v in zip(gr, xr)] for gr, xr in zip(dy, self.x)]")
    done = run("grade", write(tmp_path, "done.py", filled), "--rubric", quick_rubric, *FAST)
    assert done.returncode == 0, done.stdout


def test_the_dense_template_says_the_constructor_is_not_written_yet(tmp_path, quick_rubric):
    starter = write(tmp_path, "dense.py", template("dense"))
    report = json.loads(run("grade", starter, "--format", "json", "--rubric", quick_rubric, *FAST).stdout)
    assert report["score"] == 0
    assert report["message"].startswith("not implemented yet: the constructor raises NotImplementedError")


def course(folder):
    """A folder of submissions: correct, buggy, a syntax error, a timeout, an import error, no class, a subfolder."""
    write(folder, "alice.py", standalone(correct_implementations.ReLUFromOutput, "ReLU"))
    write(folder, "bob.py", standalone(planted.ReLUSignFlip, "ReLU"))
    write(folder, "carol.py", "class ReLU:\n    def forward(self, x)\n        return x\n")
    shutil.copy(os.path.join(EXPLOITS, "busy_forward.py"), os.path.join(folder, "dave.py"))
    write(folder, "erin.py", "import numpy_that_is_not_there\n")
    write(folder, "frank.py", "def relu(x):\n    return x\n")
    os.makedirs(os.path.join(folder, "grace"))
    write(os.path.join(folder, "grace"), "helpers.py", "def positive(v):\n    return v if v > 0.0 else 0.0\n")
    write(os.path.join(folder, "grace"), "relu.py", standalone(correct_implementations.ReLUFromOutput, "ReLU")
          .replace("import math", "import math\nfrom helpers import positive"))
    shutil.copy(os.path.join(EXPLOITS, "os_exit.py"), os.path.join(folder, "heidi.py"))
    shutil.copy(os.path.join(EXPLOITS, "memory_growth.py"), os.path.join(folder, "ivan.py"))


def test_grade_all_writes_a_gradebook_with_every_status(tmp_path, quick_rubric):
    folder, out = tmp_path / "submissions", tmp_path / "grades"
    os.makedirs(folder)
    course(str(folder))
    result = run("grade-all", str(folder), "--out", str(out), "--jobs", "2", "--component", "relu", "--rubric",
                 quick_rubric, "--memory", "256", "--allow-reduced-isolation", *FAST)  # without bubblewrap: reduced
    assert result.returncode == 0, result.stderr  # the batch completed, whatever the scores
    assert result.stderr.count("[") >= 9 and "graded 9 submissions" in result.stderr
    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    statuses = {name: row["status"] for name, row in rows.items()}
    assert statuses == {"alice.py": "graded", "bob.py": "graded", "carol.py": "syntax-error", "dave.py": "timeout",
                        "erin.py": "import-error", "frank.py": "missing-class", "grace": "graded",
                        "heidi.py": "crashed", "ivan.py": "memory-limit"}
    assert rows["alice.py"]["total"] == rows["grace"]["total"] == rows["alice.py"]["max_score"] == "13"
    assert rows["bob.py"]["gradient"] == "0" and rows["bob.py"]["forward"] == "2"
    assert "line 2" in rows["carol.py"]["message"]
    assert set(os.listdir(out / "reports")) == {f"{name}.{ext}" for name in rows for ext in ("json", "txt")}
    assert json.loads((out / "reports" / "bob.py.json").read_text())["checks"][1]["diagnosis"] == "sign-flip"


def test_the_gradescope_bundle_runs_as_gradescope_would(tmp_path, quick_rubric):
    bundle = tmp_path / "autograder.zip"
    made = run("gradescope-bundle", "--component", "relu", "--out", str(bundle), "--rubric", quick_rubric)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        z.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "rubric.json", "checks/grading/runner.py", "reference/relu.py"} <= set(names)
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)
    os.chmod(root / "source" / "run_autograder", 0o755)
    os.makedirs(root / "submission")
    write(str(root / "submission"), "my_relu.py", standalone(correct_implementations.ReLUHalfAtZero, "ReLU"))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    ran = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 13 and all(t["status"] == "passed" for t in results["tests"]), results
    broken = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True, timeout=60,
                            env={**env, "AUTOGRADER_PYTHON": "false"})
    assert broken.returncode == 0
    fallback = json.loads((root / "results" / "results.json").read_text())
    assert fallback["score"] == 0 and "could not run" in fallback["output"]
