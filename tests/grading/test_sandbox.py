"""Attacks that only the operating system's sandbox stops: each scores what it deserves and changes nothing outside
its own folder.

These need bubblewrap working (checks/grading/isolation.py); where it cannot run, they skip and say why. Every test
grades one small ReLU (forward and gradient, 3 hypothesis examples).
"""
import ast
import json
import os
import re
import time

import pytest

from checks.grading import formats, isolation
from checks.grading.grade import grade
from checks.grading.isolation import current
from checks.grading.limits import MIB, Limits
from tests.grading.attacks import attack, footprint

RUBRIC = {"forward": 2, "gradient": 4}
LIMITS = Limits(call=2.0, load=5.0, total=30.0, memory=256 << 20, examples=3)
FULL = sum(RUBRIC.values())

pytestmark = pytest.mark.skipif(current().reduced, reason=f"no sandbox on this machine ({current().reason})")


def graded(name):
    """Grade the exploit name; -> its report, after checking that the project is as it was."""
    before = footprint()
    report = grade(attack(name), "relu", RUBRIC, LIMITS)
    assert footprint() == before, "a submission changed a file of the project"
    return report


@pytest.mark.parametrize("name", ["dir_fd_reference", "readline_reference", "symlink_swap"])
def test_reading_the_reference_by_any_route_finds_nothing(name):
    report = graded(name)
    assert report.status == "import-error" and report.score == 0, report.message


@pytest.mark.parametrize("name", ["sqlite_files", "write_checks"])
def test_writing_into_the_grader_changes_nothing_and_the_layer_is_graded_on_its_merits(name):
    report = graded(name)
    assert report.status == "graded" and report.score == FULL, report.message
    assert "reached" not in report.output.replace("not reached", "")
    assert not os.path.exists(os.path.join(os.path.dirname(formats.__file__), "planted.py"))


def test_a_private_c_module_starts_processes_that_die_with_the_sandbox():
    report = graded("private_c_module")
    assert report.status == "graded" and report.score == FULL, report.message
    assert not os.path.exists("/tmp/nn-escaped-spawn")
    time.sleep(0.5)
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and b"4242" in command_line(pid)]


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def test_signalling_the_grader_reaches_only_the_sandbox():
    report = graded("signal_grader")
    assert report.status == "graded" and report.score == FULL, report.message


def test_a_rewritten_refusal_list_is_capped_and_grading_finishes():
    """Graded in full (not timed out) with at most 20 refusals listed; times belong to make bench-grading."""
    report = graded("refusal_rewrite")
    assert report.status == "graded" and report.score == FULL, report.message
    assert len(report.refused) <= 20
    assert not any("\x1b" in r for r in report.refused)


def test_filling_the_disk_stops_at_the_folders_cap():
    report = graded("disk_fill")
    assert report.status == "graded" and report.score == FULL, report.message
    written = int(re.search(r"wrote (\d+) MiB", report.output).group(1))
    assert written <= LIMITS.disk // MIB


def test_the_standard_library_imports_normally():
    report = graded("standard_library")
    assert report.status == "graded" and report.score == FULL, report.message
    assert report.refused == []


@pytest.mark.parametrize("name", ["surrogate_key", "ansi_flood"])
def test_strings_that_break_reports_are_made_safe_in_every_format(name):
    report = graded(name)
    assert report.score == 0
    for fmt in formats.FORMATS:
        content = formats.render(report, fmt)
        content.encode("utf-8")  # no lone surrogate left
        assert len(content) < 64_000, (fmt, len(content))
        assert "\x1b" not in content and "\r" not in content, fmt
    json.loads(formats.as_json(report))


def test_inside_the_sandbox_there_is_nothing_but_python_the_child_side_files_and_its_own_folder():
    report = graded("look_around")
    assert report.status == "graded" and report.score == FULL, report.message
    found = ast.literal_eval(report.output.split("found ", 1)[1].strip())
    assert found["uid"] == 65534 and found["grader"] == sorted(isolation.CHILD_FILES) and not found["project"]
    assert len(found["tmp"]) == 1 and found["tmp"][0].startswith("nn-grade-")  # its own folder only
    assert len(found["processes"]) <= 2 and not found["network"]
