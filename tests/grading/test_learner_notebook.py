"""`from checks import grade; grade(MyReLU, step=6)` in a notebook cell grades the class in the isolated grader.

A notebook keeps each cell's text in linecache under a made-up file name,
and the functions defined in a cell point there; inspect.getsource fails on
such a class. cell() below does what IPython does, so these tests need no
Jupyter; the last test runs the real IPython shell when it is installed.
"""
import itertools
import linecache
import os
import subprocess
import sys

import pytest

import checks
from checks.grading import formats
from checks.grading.notebook_api import Report, SourceError, module_source
from checks.grading.report import CheckResult, Report as GraderReport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUICK = {"forward": 2, "gradient": 4}
COUNT = itertools.count()
RELU_CELL = '''
class MyReLU:
    """A ReLU written in a cell."""

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return [[positive(v) for v in row] for row in x]

    def backward(self, dy):
        return [[SIGN * d if v > 0 else 0.0 for v, d in zip(r, dr)] for r, dr in zip(self.x, dy)]
'''


def cell(namespace, text, kept=True):
    """Run text as a notebook cell in namespace: under a made-up file name that linecache holds (or not: as
    `python -c` runs code, with no source kept)."""
    name = f"/tmp/ipykernel_0/{next(COUNT)}.py" if kept else "<string>"
    if kept:
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    exec(compile(text, name, "exec"), namespace)
    return namespace


def notebook(sign=1.0, kept=True):
    """The namespace of a notebook that defined MyReLU over three cells; sign -1.0 flips its gradient."""
    ns = {"__name__": "__main__"}
    cell(ns, f"import math as m\nfrom math import exp\nimport random\nSIGN = {sign}\nUNUSED = [1, 2]\n", kept)
    cell(ns, "def positive(v):\n    return v if v > 0 else 0.0\n", kept)
    return cell(ns, RELU_CELL, kept)


def test_the_source_holds_the_class_and_what_it_uses_from_other_cells():
    source = module_source(notebook()["MyReLU"], "ReLU")
    assert "SIGN = 1.0" in source and "def positive(v):" in source and "class MyReLU:" in source
    assert source.rstrip().endswith("ReLU = MyReLU")
    assert "UNUSED" not in source and "import random" not in source, "only what the class uses comes along"
    compile(source, "graded.py", "exec")


def test_modules_functions_and_base_classes_come_along():
    ns = cell({"__name__": "__main__"}, "import math as m\nfrom math import exp\n"
                                        "class Base:\n    def scale(self):\n        return m.pi\n")
    cell(ns, "class Sigmoid(Base):\n    def forward(self, x):\n        return [[1 / (1 + exp(-v)) for v in r] for r in x]\n")
    source = module_source(ns["Sigmoid"], "Sigmoid")
    assert "import math as m" in source and "from math import exp" in source
    assert source.index("class Base") < source.index("class Sigmoid(Base)") and "Sigmoid = Sigmoid" not in source


def test_a_correct_class_from_a_notebook_gets_full_marks():
    report = checks.grade(notebook()["MyReLU"], component="relu", rubric=QUICK)
    assert (report.score, report.max_score, report.passed, report.file) == (6, 6, True, "MyReLU")
    assert str(report) == repr(report) == formats.render(report.report, "text")


def test_a_wrong_gradient_from_a_notebook_fails_with_the_grader_s_diagnosis():
    report = checks.grade(notebook(sign=-1.0)["MyReLU"], step=6, rubric=QUICK)
    gradient = next(c for c in report.checks if c.name == "gradient")
    assert report.step == 6 and gradient.status == "failed" and gradient.diagnosis == "sign-flip"
    shown = report._repr_html_()
    assert "<strong>MyReLU</strong>: step 6 (relu)" in shown and "sign" in shown and ">failed<" in shown


def test_the_html_report_escapes_what_the_submission_controls():
    graded = GraderReport("MyReLU", "relu", message="<script>alert(1)</script>",
                          checks=[CheckResult("forward", "failed", 0, 2, "got <b>&</b>", reread="x <i>")])
    shown = Report(graded, "")._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "got &lt;b&gt;&amp;&lt;/b&gt;" in shown and "Reread x &lt;i&gt;." in shown


def test_a_class_whose_source_was_not_kept_gets_a_one_line_error():
    with pytest.raises(SourceError) as error:
        checks.grade(notebook(kept=False)["MyReLU"], step=6)
    message = str(error.value)
    assert "\n" not in message and message.startswith("the source of MyReLU was not kept (<string>)")


@pytest.mark.parametrize("call, message", [
    (lambda c: checks.grade(c(), step=6), "grade takes the class itself"),
    (lambda c: checks.grade(c, step=99), "step must be one of the course's steps, 1 to 18, got 99"),
    (lambda c: checks.grade(c, step=6, component="relu"), "give step=N or component=NAME, not both"),
    (lambda c: checks.grade(c, component="conv"), "unknown component 'conv'"),
    (lambda c: checks.grade(c), "say what MyReLU is: grade(MyReLU, step=N)"),
])
def test_a_request_that_breaks_a_rule_says_which(call, message):
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(notebook()["MyReLU"])


def test_a_class_named_after_its_component_needs_no_step():
    ns = notebook()
    cell(ns, RELU_CELL.replace("MyReLU", "ReLU"))
    report = checks.grade(ns["ReLU"], rubric=QUICK)
    assert report.component == "relu" and report.passed


def test_importing_checks_for_grade_stays_light():
    done = subprocess.run([sys.executable, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {ROOT!r}); "
                           "import checks; print(callable(checks.grade), sorted(m for m in sys.modules "
                           "if m.startswith(('hypothesis', 'IPython', 'jupyter'))))"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "True []\n", done.stderr


def test_in_the_real_ipython_shell():
    """The cells run in IPython's own shell (installed with Jupyter; skipped where it is not)."""
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    shell = shell_module.InteractiveShell.instance()
    for text in ["from checks import grade", "def positive(v):\n    return v if v > 0 else 0.0\nSIGN = 1.0",
                 RELU_CELL, "report = grade(MyReLU, step=6, rubric={'forward': 2, 'gradient': 4})"]:
        assert not shell.run_cell(text).error_in_exec
    assert shell.user_ns["report"].passed
