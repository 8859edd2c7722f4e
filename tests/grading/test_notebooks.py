"""Notebooks as submissions: the code cells joined, IPython-only lines left out, the cells named in the report."""
import json
import subprocess
import sys

import pytest

from checks.grading import notebooks
from checks.grading.samples import write
from tests import correct_implementations, planted
from tests.grading.sources import standalone

ROOT = __file__.rsplit("/tests/", 1)[0]
QUICK = {"forward": 2, "gradient": 4}


def cell(source, kind="code"):
    return {"cell_type": kind, "metadata": {}, "source": source, **({"outputs": []} if kind == "code" else {})}


def notebook(tmp_path, cells, name="work.ipynb"):
    return write(tmp_path, name, json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_code_cells_are_joined_in_order_and_other_cells_left_out(tmp_path):
    path = notebook(tmp_path, [cell("# Title", "markdown"), cell(["a = 1\n", "b = 2"]), cell("   \n"),
                               cell("c = a + b", "raw"), cell("d = 4")])
    code = notebooks.code(path)
    assert code.cells == [2, 5] and code.skipped == 0
    assert code.text == "a = 1\nb = 2\n\nd = 4\n\n"


def test_magics_and_shell_lines_become_pass_at_their_indentation(tmp_path):
    path = notebook(tmp_path, [cell("%load_ext autoreload\nfor i in range(2):\n    !echo $i\nx = 1"),
                               cell("%%timeit\nx = 2"), cell("  %time y = 3")])
    code = notebooks.code(path)
    assert code.text.splitlines()[:4] == ["pass", "for i in range(2):", "    pass", "x = 1"]
    assert code.cells == [1] and code.skipped == 5  # line magics, a shell line, the %%timeit cell; cell 3 is a magic
    compile(code.text, "joined", "exec")  # the loop still has a body
    assert "x = 2" not in code.text


def test_a_line_of_the_joined_file_maps_back_to_its_cell(tmp_path):
    path = notebook(tmp_path, [cell("a = 1\nb = 2"), cell("text", "markdown"), cell("c = 3\nd = (")])
    code = notebooks.code(path)
    assert [code.where(n) for n in (1, 2, 4, 5)] == ["cell 1, line 1", "cell 1, line 2", "cell 3, line 1",
                                                     "cell 3, line 2"]


@pytest.mark.parametrize("text, message", [
    ('{"cells": [', "the notebook is not valid JSON (line 1, column 12)"),
    ('[1, 2]', "the file is JSON but no notebook (it has no list of cells)"),
    ('{"nbformat": 4}', "the file is JSON but no notebook"),
])
def test_a_file_that_is_no_notebook_is_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(notebooks.NotebookError, match=message.replace("(", r"\(").replace(")", r"\)")):
        notebooks.code(write(tmp_path, "bad.ipynb", text))


def test_a_notebook_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.ipynb"
    path.write_bytes('{"cells": [{"cell_type": "code", "source": "s = \'\xe9\'"}]}'.encode("latin-1"))
    with pytest.raises(notebooks.NotebookError, match="not UTF-8"):
        notebooks.code(str(path))


def test_a_notebook_is_graded_as_its_code_and_its_report_names_the_cells(tmp_path):
    source = standalone(correct_implementations.ReLUFromOutput, "ReLU")
    path = notebook(tmp_path, [cell("# ReLU", "markdown"), cell("%matplotlib inline"), cell(source)])
    report = notebooks.grade(path, "relu", QUICK, isolated=False, seed=3)
    assert (report.file, report.status, report.score, report.cells) == ("work.ipynb", "graded", 6, [3])
    assert report.message == "every check passed; graded code cell 3 of the notebook; 1 IPython magic or shell " \
                             "lines left out"


def test_a_wrong_notebook_fails_like_the_same_file_would(tmp_path):
    source = standalone(planted.ReLUSignFlip, "ReLU")
    report = notebooks.grade(notebook(tmp_path, [cell(source)]), "relu", QUICK, isolated=False, seed=3)
    assert report.score == 2 and report.checks[1].diagnosis == "sign-flip"


def test_a_syntax_error_names_the_cell_and_its_line(tmp_path):
    path = notebook(tmp_path, [cell("import math"), cell("class ReLU:\n    def forward(self, x)\n        return x")])
    report = notebooks.grade(path, "relu", QUICK, isolated=False)
    assert report.status == "syntax-error"
    assert report.message.startswith("cell 2, line 2: "), report.message


def test_grade_of_a_notebook_on_the_command_line(tmp_path):
    source = standalone(planted.ReLUSignFlip, "ReLU")
    path = notebook(tmp_path, [cell("!pip install nothing"), cell(source)])
    rubric = write(tmp_path, "rubric.json", json.dumps({"baseline": 0}))
    result = subprocess.run([sys.executable, "-m", "checks", "grade", path, "--component", "relu", "--rubric", rubric,
                             "--examples", "3", "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    gradient = next(c for c in report["checks"] if c["name"] == "gradient")
    assert report["cells"] == [2] and gradient["diagnosis"] == "sign-flip"
    assert "graded code cell 2 of the notebook" in report["message"]


def test_grade_of_a_damaged_notebook_is_a_one_line_error(tmp_path):
    path = write(tmp_path, "bad.ipynb", "{")
    result = subprocess.run([sys.executable, "-m", "checks", "grade", path], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2 and "the notebook is not valid JSON" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_cell_whose_source_holds_odd_values_is_read_as_text(tmp_path):
    path = notebook(tmp_path, [cell(["x = ", 1, "\n"]), cell(None)])
    assert notebooks.code(path).text == "x = 1\n\n"
