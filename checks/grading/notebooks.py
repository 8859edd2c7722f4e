"""A Jupyter notebook graded as a submission: its code cells, as one Python file.

code(path) reads the .ipynb with json (no Jupyter needed) and joins its code
cells in order. What only IPython understands is left out: a line magic
(`%time ...`) or a shell line (`!pip install ...`) becomes `pass` at its
indentation, so the cell around it still parses; a cell magic (`%%time`,
`%%bash`) drops its whole cell, and a cell of nothing else is not used. The report names the cells that were used
(cells are numbered from 1 among all the notebook's cells, as Jupyter shows
them in order) and maps a line of the joined file back to its cell.

grade(path, ...) is grade.grade for a .py file or a folder, and for a
notebook grades the joined file, written to a temporary folder: the
notebook's own folder stays private to the submission.
"""
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

from checks.grading import grade as grading

SUFFIX = ".ipynb"
MAGIC = ("%", "!")  # what starts a line magic, a cell magic or a shell line
LINE = re.compile(r"^line (\d+): ")


class NotebookError(ValueError):
    """A file that is no notebook the grader can read; the message says why, for the student."""


@dataclass
class Code:
    """The Python of a notebook: its text, the cells used, and the first line of each in the text."""

    text: str = ""
    cells: list = field(default_factory=list)  # notebook cell numbers (from 1) whose code is in text
    starts: list = field(default_factory=list)  # the line of text where each of those cells starts
    skipped: int = 0  # magic and shell lines left out

    def where(self, line):
        """'cell C, line L' for a line of text (from 1)."""
        i = max((k for k, start in enumerate(self.starts) if start <= line), default=0)
        return f"cell {self.cells[i]}, line {line - self.starts[i] + 1}" if self.cells else f"line {line}"

    def note(self):
        used = (f"code cell {self.cells[0]}" if len(self.cells) == 1 else
                f"code cells {', '.join(map(str, self.cells))}" if self.cells else "no code cell")
        left = f"; {self.skipped} IPython magic or shell lines left out" if self.skipped else ""
        return f"graded {used} of the notebook{left}"


def is_notebook(path):
    return os.path.isfile(path) and path.lower().endswith(SUFFIX)


def cells_of(path):
    """The notebook's cells; NotebookError when the file is not a notebook's JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except UnicodeDecodeError:
        raise NotebookError("the notebook is not UTF-8 text; save it again from Jupyter") from None
    except json.JSONDecodeError as e:
        raise NotebookError(f"the notebook is not valid JSON (line {e.lineno}, column {e.colno}): it may be cut "
                            f"short or damaged; save it again from Jupyter") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("the file is JSON but no notebook (it has no list of cells); save it from Jupyter")
    return cells


def source_of(cell):
    source = (cell.get("source") or "") if isinstance(cell, dict) else ""
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def code(path):
    """The Code of the notebook at path: its code cells joined, IPython-only lines left out."""
    found, line = Code(), 1
    parts = []
    for number, cell in enumerate(cells_of(path), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        lines = source_of(cell).splitlines()
        if not any(s.strip() for s in lines):
            continue
        ipython = [text.lstrip().startswith(MAGIC) for text in lines]
        if lines[0].lstrip().startswith("%%") or all(i or not t.strip() for i, t in zip(ipython, lines)):
            found.skipped += len(lines) if lines[0].lstrip().startswith("%%") else sum(ipython)
            continue
        kept = []
        for text in lines:
            stripped = text.lstrip()
            if stripped.startswith(MAGIC):
                found.skipped += 1
                text = text[:len(text) - len(stripped)] + "pass"
            kept.append(text)
        found.cells.append(number)
        found.starts.append(line)
        parts.append("\n".join(kept) + "\n\n")
        line += len(kept) + 1
    found.text = "".join(parts)
    return found


def grade(path, component=None, rubric=None, limits=None, private=(), step=None, seed=None, isolated=True):
    """grade.grade for any submission: a notebook is graded as its joined code cells (raises NotebookError when it
    cannot be read), and its report names the notebook and the cells used."""
    if not is_notebook(path):
        return grading.grade(path, component, rubric, limits, private, step, seed, isolated)
    found = code(path)
    folder = tempfile.mkdtemp(prefix="notebook-")
    try:
        stem = os.path.splitext(os.path.basename(path))[0]
        joined = os.path.join(folder, f"{stem}.py")
        with open(joined, "w", encoding="utf-8") as f:
            f.write(found.text)
        private = (*private, os.path.dirname(os.path.abspath(path)))
        report = grading.grade(joined, component, rubric, limits, private, step, seed, isolated)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report.file, report.cells = os.path.basename(path), list(found.cells)
    report.message = LINE.sub(lambda m: f"{found.where(int(m.group(1)))}: ", report.message)
    report.message += ("; " if report.message else "") + found.note()
    return report
