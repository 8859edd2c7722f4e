"""Which directories a submission's child may read (checks/grading/runner.py enforces it).

- forbidden, never readable: the reference/ and checks/ packages the grader
  uses, wherever they are installed;
- private, not readable except where Python itself lives: the project, the
  folder the submission came from (other students' files), the report folder;
- allowed: Python's own installation (its standard library, its site-packages),
  even inside a private folder (a virtual environment in the project, or
  pyenv in a home folder that holds submissions).
"""
import os
import sys

import checks
import reference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(checks.__file__)))


def places(submission, private=()):
    """{"forbidden", "private", "allowed"} for a submission (a file or a folder) and extra private folders."""
    allowed = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    forbidden = [os.path.dirname(os.path.abspath(m.__file__)) for m in (reference, checks)]
    folder = os.path.dirname(os.path.abspath(submission))
    candidates = [ROOT, folder, *private]
    return {"forbidden": forbidden, "allowed": allowed, "private": sorted(set(map(os.path.realpath, candidates)))}
