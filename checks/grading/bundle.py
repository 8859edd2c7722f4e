"""A Gradescope autograder for one component: a zip with setup.sh, run_autograder and the grader itself.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once when
it builds the image, and runs /autograder/run_autograder for every upload,
with the student's files in /autograder/submission. run_autograder grades
them with `python3 -m checks grade` and writes /autograder/results/results.json
(exit code 0 or 1) through checks/grading/gradescope.py, which picks the
uploaded file that defines the class and says which; if the grader cannot
run at all it writes a results.json that says so, whatever file was there
before. setup.sh finds (or installs) Python 3.10+, installs bubblewrap
for the sandbox (isolation.py); where it cannot run, results.json says
"isolation: reduced: ...".

AUTOGRADER_ROOT (default /autograder) and AUTOGRADER_PYTHON (default
python3) let the same script run anywhere, e.g. in a test.
"""
import io
import json
import os
import zipfile

import hypothesis

from checks.grading.places import ROOT

PACKAGES = ("checks", "reference", "specs")
INSTRUMENTS = os.path.join("checks", "instruments")  # the maintainers' tools: not shipped to students
SKIPPED = ("__pycache__", ".pyc", ".hypothesis")

SETUP = """#!/usr/bin/env bash
# Runs once, when Gradescope builds the autograder image: the grader needs Python 3.10+ and hypothesis, and
# sandboxes each submission with bubblewrap where the container allows it (else it grades in the reduced
# isolation mode, and every report says so). The Python it settles on is written to python-path, which
# run_autograder reads.
case "${{BASH_SOURCE[0]}}" in */*) HERE="${{BASH_SOURCE[0]%/*}}" ;; *) HERE=. ;; esac
new_enough() {{ "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }}
find_python() {{
  for candidate in python3 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$candidate" >/dev/null && new_enough "$candidate"; then command -v "$candidate"; return 0; fi
  done
  return 1
}}
PY="$(find_python)"
if [ -z "$PY" ] && command -v apt-get >/dev/null; then
  echo "setup.sh: no Python 3.10 or newer here; installing one with apt-get"
  apt-get update -qq
  for version in 3.12 3.11 3.10; do
    apt-get install -y -qq "python$version" >/dev/null 2>&1
    PY="$(find_python)" && break
  done
fi
if [ -z "$PY" ]; then
  found="$(python3 --version 2>/dev/null)" || found="no python3"
  echo "setup.sh: the grader needs Python 3.10 or newer; this image has $found, and no newer one could be" \\
       "installed with apt-get. Choose a newer base image in the autograder settings (Ubuntu 22.04 has" \\
       "Python 3.10)." >&2
  exit 1
fi
printf '%s\\n' "$PY" > "$HERE/python-path"
echo "setup.sh: grading with $PY ($("$PY" --version 2>&1))"
if ! command -v bwrap >/dev/null && command -v apt-get >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq bubblewrap) \\
    || echo "setup.sh: bubblewrap could not be installed; submissions will be graded in the reduced isolation mode"
fi
if ! "$PY" -c 'import hypothesis, sys; sys.exit(hypothesis.__version__ != "{hypothesis}")' 2>/dev/null; then
  "$PY" -m pip --version >/dev/null 2>&1 || "$PY" -m ensurepip --upgrade >/dev/null 2>&1 \\
    || apt-get install -y -qq python3-pip
  "$PY" -m pip install --quiet 'hypothesis=={hypothesis}' \\
    || "$PY" -m pip install --quiet --break-system-packages 'hypothesis=={hypothesis}'
fi
"""

RUN = """#!/usr/bin/env bash
# Grades the upload in /autograder/submission ({which}) and writes /autograder/results/results.json:
# checks/grading/gradescope.py picks the file that defines the class, or tells the student why it cannot.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$ROOT/source" || exit 1
PYTHON="${{AUTOGRADER_PYTHON:-$(cat python-path 2>/dev/null || echo python3)}}"
"$PYTHON" -m checks.grading.gradescope "$ROOT/submission" "$RESULTS" {which}{rubric}
status=$?
if [ "$status" -gt 1 ] || [ ! -s "$RESULTS" ]; then
  printf '%s\\n' '{{"score": 0, "tests": [], "output": "The grader could not run (exit code '"$status"'); '\\
'please tell your instructor."}}' > "$RESULTS"
fi
exit 0
"""


def files():
    """(path in the zip, path on disk) of the grader's own files: checks/, reference/ (with its data), specs/."""
    found = []
    for package in PACKAGES:
        for folder, subfolders, names in os.walk(os.path.join(ROOT, package)):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED
                                   and os.path.relpath(os.path.join(folder, d), ROOT) != INSTRUMENTS)
            for name in sorted(names):
                if not name.endswith(SKIPPED):
                    path = os.path.join(folder, name)
                    found.append((os.path.relpath(path, ROOT), path))
    return found


def bundle(component, rubric=None, step=None):
    """The autograder zip for component (or a course step), as bytes; rubric (a dict) is shipped as rubric.json when
    given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        add(z, "setup.sh", SETUP.format(hypothesis=hypothesis.__version__), executable=True)
        flag = " --rubric rubric.json" if rubric else ""
        which = f"--step {step}" if step else f"--component {component}"
        add(z, "run_autograder", RUN.format(which=which, rubric=flag), executable=True)
        if rubric:
            add(z, "rubric.json", json.dumps(rubric, indent=2) + "\n")
        for name, path in files():
            z.write(path, name)
    return buffer.getvalue()


def add(z, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, text)
