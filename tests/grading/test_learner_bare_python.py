"""A learner's first evening starts with bare python3: `template` and every --help need the standard library alone.

The runs here use a Python started with -I -S: no site-packages, so no
hypothesis, pytest or mutmut, as in a fresh clone before any install; the
project is on sys.path and nothing else. The commands that run checks say in
one line what to install. `template --out` never overwrites a file unless
--force. `nnref` is the installed name of `python3 -m checks`.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from checks.__main__ import main
from checks.grading import GRADABLE
from checks.grading.commands import HANDLERS
from checks.grading.steps import STEPS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEAVY = ("hypothesis", "pytest", "mutmut", "_pytest")
BARE = """
import contextlib, io, json, sys
sys.path.insert(0, {root!r})
from checks.__main__ import main
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
    heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
    results.append([code, out.getvalue(), err.getvalue(), heavy])
print(json.dumps(results))
"""


def bare(*argvs):
    """[(exit code, stdout, stderr, heavy modules imported)] of main(argv) for each argv, in a Python without
    site-packages, run from a folder that is not the project."""
    done = subprocess.run([sys.executable, "-I", "-S", "-c", BARE.format(root=ROOT, heavy=HEAVY), json.dumps(argvs)],
                          cwd=os.path.dirname(ROOT), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_bare_python_really_has_no_hypothesis():
    """The harness itself: without site-packages, importing hypothesis fails (else the tests below prove nothing)."""
    done = subprocess.run([sys.executable, "-I", "-S", "-c", "import hypothesis"], capture_output=True, text=True)
    assert done.returncode != 0 and "No module named 'hypothesis'" in done.stderr


STARTERS = [["template", "--step", str(n)] for n in sorted(STEPS)] + [["template", name] for name in GRADABLE]


def test_every_starter_file_comes_from_bare_python3_and_matches_the_installed_one(capsys):
    for argv, (code, out, err, heavy) in zip(STARTERS, bare(*STARTERS)):
        assert (code, err, heavy) == (0, "", []), (argv, err, heavy)
        assert main(argv) == 0
        assert out == capsys.readouterr().out, argv


HELPS = [["--help"]] + [[command, "--help"] for command in ["check", *HANDLERS]]


def test_every_command_s_help_comes_from_bare_python3():
    for argv, (code, out, err, heavy) in zip(HELPS, bare(*HELPS)):
        assert (code, heavy) == (0, []), (argv, err, heavy)
        assert out.startswith("usage: python3 -m checks"), (argv, out)


RUNS = [["check", "relu"], ["grade", os.path.join(ROOT, "reference", "relu.py")],
        ["grade-all", os.path.join(ROOT, "reference")], ["gradescope-bundle", "--step", "1", "--out", "x.zip"]]


def test_a_command_that_runs_checks_says_in_one_line_what_to_install():
    for argv, (code, out, err, _) in zip(RUNS, bare(*RUNS)):
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, err)
        assert err.startswith(f"python3 -m checks {argv[0]}: the checks need hypothesis, which is not installed; ")
        assert "python3 -m pip install -e '.[dev]'" in err


def test_importing_checks_needs_no_hypothesis():
    """`from checks import grade` in a notebook cell imports the package: it stays light."""
    code, _, _, heavy = bare(["template", "relu", "--out", os.devnull, "--force"])[0]
    assert (code, heavy) == (0, [])


@pytest.mark.parametrize("number", [n for n in sorted(STEPS) if STEPS[n].properties])
def test_a_step_s_chosen_properties_are_in_its_component_s_suite(number):
    from checks.properties import suite
    names = {p.__name__ for p in suite(STEPS[number].component)}
    assert set(STEPS[number].properties) <= names, set(STEPS[number].properties) - names


def test_every_step_has_its_own_file_name():
    files = [step.file for step in STEPS.values()]
    assert len(set(files)) == len(files) == len(STEPS)
    assert all(re.fullmatch(r"step\d\d_[a-z][a-z0-9_]*\.py", f) for f in files), files


def test_template_out_refuses_an_existing_file_and_keeps_it(tmp_path, capsys):
    path = tmp_path / "step01_neuron.py"
    path.write_text("my work\n")
    assert main(["template", "--step", "1", "--out", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists: template never overwrites a file" in err and "--force" in err, err
    assert path.read_text() == "my work\n"


def test_template_out_with_force_replaces_and_without_writes_a_new_file(tmp_path, capsys):
    path = tmp_path / "step01_neuron.py"
    assert main(["template", "--step", "1", "--out", str(path)]) == 0
    first = path.read_text()
    assert "class Neuron" in first and "python3 -m checks grade step01_neuron.py --step 1" in first
    path.write_text("my work\n")
    assert main(["template", "--step", "1", "--out", str(path), "--force"]) == 0
    assert path.read_text() == first


def test_the_entry_point_is_nnref_and_names_itself(monkeypatch, capsys):
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        assert 'nnref = "checks.__main__:main"' in f.read()
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/nnref", "template"])
    assert main() == 2
    assert capsys.readouterr().err.startswith("nnref template: name a component or give --step N")


def test_the_docs_show_the_out_form_and_python3_never_a_redirect_over_a_file():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        learn = f.read().split("## Learn")[1].split("\n## ")[0]
    with open(os.path.join(ROOT, "specs", "course.md"), encoding="utf-8") as f:
        course = f.read()
    for where, text in (("README.md, Learn", learn), ("specs/course.md", course)):
        assert not re.search(r"checks template [^\n`]*> ", text), f"{where} redirects a starter over a file"
        assert "python -m checks" not in text, f"{where}: python3, not python"
    assert learn.index("python3 -m checks template --step 1 --out step01_neuron.py") < learn.index("pip install")
    assert "nnref grade step01_neuron.py --step 1" in learn and "grade(MyReLU, step=6)" in learn
