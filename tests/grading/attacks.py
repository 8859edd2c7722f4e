"""The exploit files of tests/exploits/ as a student would hand them in, and what the grader must leave unchanged.

attack(name) is the path of tests/exploits/<name>.py, or of a copy in a
temporary folder with "@PROJECT@" replaced by the project's path where the
file asks for it (a student can guess where the grader lives), and the line
"# @CORRECT_RELU@" by a correct ReLU (the reference's, made standalone, for
the attacks that are otherwise correct layers).
footprint() is what a submission must not change: every file of the project
(its size and modification time) outside the folders tests and tools write
to. Attacks that aim elsewhere write to /tmp/nn-escaped-<what>, which must
not exist afterwards.
"""
import os
import re
import tempfile

import reference
from checks.grading.places import ROOT
from tests.grading.sources import standalone

FOLDER = os.path.join(ROOT, "tests", "exploits")
PLACEHOLDER = "@PROJECT@"
RELU_LINE = re.compile(r"^# @CORRECT_RELU@.*$", re.M)
NOISY = {".venv", ".hypothesis", ".pytest_cache", "__pycache__", "mutants", ".git"}


def attack(name, folder=None):
    """The path of the exploit name, with the project's path filled in (in folder, or a new temporary one)."""
    path = os.path.join(FOLDER, f"{name}.py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    if PLACEHOLDER not in source and not RELU_LINE.search(source) and folder is None:
        return path
    folder = folder or tempfile.mkdtemp(prefix="nn-attack-")
    target = os.path.join(folder, f"{name}.py")
    with open(target, "w", encoding="utf-8") as f:
        f.write(RELU_LINE.sub(lambda _: standalone(reference.ReLU, "ReLU"), source.replace(PLACEHOLDER, ROOT)))
    return target


def footprint():
    """{path: (size, mtime)} of the project's files."""
    files = {}
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in NOISY]
        for name in names:
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except OSError:
                continue
            files[path] = (stat.st_size, stat.st_mtime_ns)
    return files
