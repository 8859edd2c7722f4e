"""Gradescope uploads as students make them: several files, a folder, drafts; and a student without specs/.

The grader grades the one file that defines the expected class and says
which; it refuses an upload where that is ambiguous, in words a student can
act on; every "Reread specs/..." comes with the section's text; setup.sh
finds or installs Python 3.10+, and says what to do when it cannot.
"""
import io
import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest

from checks.grading.bundle import bundle
from checks.grading.gradescope import Refused, choose, grade_upload, python_files
from checks.grading.spec_text import excerpt, with_spec_text
from checks.grading.steps import STEPS
from tests import planted
from tests.grading.sources import standalone
import reference

QUICK = {"forward": 2, "gradient": 4}  # the two checks that matter here, for speed


def files(folder, contents):
    """Write {relative path: text} under folder."""
    for path, text in contents.items():
        full = os.path.join(folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    return str(folder)


RELU = standalone(reference.ReLU, "ReLU")


def test_the_one_file_that_defines_the_class_is_chosen_among_drafts_and_helpers(tmp_path):
    folder = files(tmp_path, {"a_notes.py": "STEP = 0.1\n", "relu_final.py": RELU, "zz_helpers.py": "def f(): pass\n"})
    assert choose(folder, "ReLU") == "relu_final.py"


def test_a_submission_inside_a_folder_is_found_and_junk_is_skipped(tmp_path):
    folder = files(tmp_path, {"homework 3/relu.py": RELU, "__MACOSX/homework 3/._relu.py": "\x00\x05",
                              ".ipynb_checkpoints/relu-checkpoint.py": RELU})
    assert python_files(folder) == ["homework 3/relu.py"]
    assert choose(folder, "ReLU") == os.path.join("homework 3", "relu.py")


def test_two_files_that_define_the_class_are_refused_with_both_named(tmp_path):
    folder = files(tmp_path, {"relu.py": RELU, "old/relu_draft.py": "class ReLU:\n    pass\n"})
    with pytest.raises(Refused) as refused:
        choose(folder, "ReLU")
    message = str(refused.value)
    assert message.startswith("Several of your files define class ReLU: old/relu_draft.py, relu.py.")
    assert "Upload only the one you want graded" in message


def test_several_files_and_none_with_the_class_are_refused(tmp_path):
    folder = files(tmp_path, {"a.py": "class Relu2:\n    pass\n", "b.py": "x = 1\n"})
    with pytest.raises(Refused, match=r"None of your files defines class ReLU \(a.py, b.py\)\. Name your class ReLU"):
        choose(folder, "ReLU")


def test_an_upload_without_python_says_what_it_holds(tmp_path):
    folder = files(tmp_path, {"relu.ipynb": "{}", "README.txt": "hi"})
    with pytest.raises(Refused, match=r"no \.py file \(your upload holds README.txt, relu.ipynb\)"):
        choose(folder, "ReLU")


def test_a_lone_file_is_graded_whatever_its_class_is_called(tmp_path):
    folder = files(tmp_path, {"mine.py": "class MyReLU:\n    pass\n"})
    assert choose(folder, "ReLU") == "mine.py"


def test_the_results_name_the_graded_file_and_a_refusal_scores_0(tmp_path):
    folder = files(tmp_path / "up", {"work/relu.py": RELU, "scratch.py": "x = 1\n"})
    data, code = grade_upload(folder, str(tmp_path / "results.json"), "relu", QUICK, None)
    assert code == 0 and data["score"] == 6 and [t["status"] for t in data["tests"]] == ["passed", "passed"]
    assert data["output"].startswith("Graded file: work/relu.py (of your 2 .py files, the one that defines the class)")
    files(folder, {"relu_v1.py": "class ReLU:\n    pass\n"})
    data, code = grade_upload(folder, str(tmp_path / "results.json"), "relu", QUICK, None)
    assert code == 1 and data["score"] == 0 and data["tests"] == [] and "Several of your files" in data["output"]


def test_a_failing_check_carries_the_text_of_the_section_to_reread(tmp_path):
    folder = files(tmp_path / "up", {"relu.py": standalone(planted.ReLUSignFlip, "ReLU")})
    data, code = grade_upload(folder, str(tmp_path / "results.json"), "relu", QUICK, None)
    gradient = next(t for t in data["tests"] if t["name"] == "relu: gradient")
    assert code == 1 and gradient["status"] == "failed"
    assert 'Reread specs/relu.md, section "Partial derivatives".' in gradient["output"]
    assert 'From specs/relu.md, "Partial derivatives":\n    ' in gradient["output"]
    assert excerpt("relu", "Partial derivatives").splitlines()[0] in gradient["output"]


def test_spec_text_follows_every_form_of_reread():
    text = with_spec_text('x. Reread specs/dense.md, sections "Definition" and "Conventions". '
                          'Also reread specs/protocol.md, "Layers", rule 1')
    assert text.count("From specs/") == 3
    assert 'From specs/protocol.md, "Layers", rule 1:\n    1. **backward overwrites** `grads`' in text
    assert 'From specs/dense.md, "Conventions":' in text
    assert with_spec_text("no reference here") == "no reference here"
    assert with_spec_text('Reread specs/nothing.md, section "Definition".').count("From") == 0


def test_an_excerpt_is_the_start_of_its_section_and_bounded():
    text = excerpt("dense", "Definition")
    assert text and len(text) <= 710 and len(text.splitlines()) <= 9
    assert excerpt("dense", "No such section") == "" and excerpt("protocol", "Layers", rule=99) == ""


def unpacked(tmp_path, **which):
    with zipfile.ZipFile(io.BytesIO(bundle(which.get("component"), None, which.get("step")))) as z:
        z.extractall(tmp_path / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(tmp_path / "source" / name, 0o755)
    return tmp_path / "source"


def fake(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)


OLD_PYTHON = "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Python 3.8.10'; exit 0; fi\nexit 1\n"


def setup(source, bin_folder):
    """Run setup.sh as Gradescope does, with only bin_folder on PATH."""
    return subprocess.run(["/bin/bash", "setup.sh"], cwd=source, env={"PATH": str(bin_folder)},
                          capture_output=True, text=True, timeout=60)


def test_setup_keeps_a_python_that_is_new_enough(tmp_path):
    source, bin_folder = unpacked(tmp_path, component="relu"), tmp_path / "bin"
    os.makedirs(bin_folder)
    os.symlink(sys.executable, bin_folder / "python3")
    done = setup(source, bin_folder)
    assert done.returncode == 0, done.stderr
    assert (source / "python-path").read_text() == f"{bin_folder / 'python3'}\n"


def test_setup_installs_a_newer_python_with_apt_when_the_image_s_is_old(tmp_path):
    source, bin_folder = unpacked(tmp_path, step=1), tmp_path / "bin"
    os.makedirs(bin_folder)
    fake(bin_folder, "python3", OLD_PYTHON)
    fake(bin_folder, "apt-get", f"#!{sys.executable}\nimport os, sys\n"
                                f"if 'python3.11' in sys.argv:\n"
                                f"    os.symlink({sys.executable!r}, os.path.join({str(bin_folder)!r}, 'python3.11'))\n"
                                f"elif 'install' in sys.argv:\n"
                                f"    sys.exit(100)  # E: Unable to locate package\n")
    done = setup(source, bin_folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no Python 3.10 or newer here; installing one with apt-get" in done.stdout
    assert (source / "python-path").read_text() == f"{bin_folder / 'python3.11'}\n"


def test_setup_without_a_python_to_install_says_what_to_do(tmp_path):
    source, bin_folder = unpacked(tmp_path, component="relu"), tmp_path / "bin"
    os.makedirs(bin_folder)
    fake(bin_folder, "python3", OLD_PYTHON)
    done = setup(source, bin_folder)
    assert done.returncode != 0 and not (source / "python-path").exists()
    assert done.stderr.startswith("setup.sh: the grader needs Python 3.10 or newer; this image has Python 3.8.10")
    assert "Choose a newer base image" in done.stderr and done.stderr.count("\n") == 1


def test_run_autograder_grades_an_upload_in_a_folder_with_the_python_setup_chose(tmp_path):
    source = unpacked(tmp_path, step=STEPS[6].number)
    (source / "python-path").write_text(sys.executable + "\n")
    files(tmp_path / "submission", {"Homework/relu.py": RELU, "Homework/README.md": "mine"})
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_PYTHON"}
    ran = subprocess.run([str(source / "run_autograder")], env={**env, "AUTOGRADER_ROOT": str(tmp_path)},
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["output"].startswith("Graded file: Homework/relu.py\n"), results["output"]
    assert "could not run" not in results["output"] and results["score"] > 0
