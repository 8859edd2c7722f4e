"""How long grading takes with the default settings: one submission under 10 s, a course of 100 under 5 minutes
with --jobs 2 on 2 cores.

These tests grade for minutes, so they run only when asked:

    GRADING_SLOW=1 .venv/bin/python -m pytest tests/grading/test_grade_speed.py -s
"""
import os
import subprocess
import sys
import time

import pytest

from checks.grading.grade import grade
from tests import correct_implementations as correct, planted
from tests.grading.sources import standalone, write

SLOW = pytest.mark.skipif(not os.environ.get("GRADING_SLOW"), reason="set GRADING_SLOW=1 to measure the speed")
COURSES = {  # component -> the class name and the implementations its students hand in, in turn
    "relu": ("ReLU", [correct.ReLUFromOutput, correct.ReLUHalfAtZero, correct.ReLUOneAtZero, planted.ReLUSignFlip,
                      planted.ReLUMutatesInput]),
    "dense": ("Dense", [correct.LoopDense, correct.ColumnDense, planted.DenseSignFlip, planted.DenseBiasNotSummed,
                        planted.DenseAccumulates]),
}


@SLOW
@pytest.mark.parametrize("name", sorted(COURSES))
def test_one_submission_takes_under_10_seconds(name, tmp_path):
    class_name, implementations = COURSES[name]
    path = write(tmp_path, f"{name}.py", standalone(implementations[0], class_name))
    start = time.monotonic()
    report = grade(path, name)
    seconds = time.monotonic() - start
    print(f"\n{name}: one submission graded in {seconds:.1f} s ({report.score:g}/{report.max_score:g})")
    assert report.passed and seconds < 10


@SLOW
@pytest.mark.parametrize("name", sorted(COURSES))
def test_a_course_of_100_takes_under_5_minutes(name, tmp_path):
    class_name, implementations = COURSES[name]
    folder = tmp_path / "course"
    os.makedirs(folder)
    for i in range(100):
        write(str(folder), f"student{i:03d}.py", standalone(implementations[i % len(implementations)], class_name))
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "checks", "grade-all", str(folder), "--component", name,
                             "--jobs", "2", "--out", str(tmp_path / "grades")], capture_output=True, text=True)
    seconds = time.monotonic() - start
    print(f"\n{name}: 100 submissions graded in {seconds:.0f} s on {os.cpu_count()} cores")
    assert result.returncode == 1 and "graded 100 submissions" in result.stderr
    assert seconds < 300
