"""A submission imported into the grader's own process: no isolation, for tests and notebooks.

Local answers what grade.run asks of Remote (load, implementation), with the
submission's classes themselves as implementations. Use it only for files
you trust: the submission runs with the grader's rights and can reach the
verdict. The grades are the same as in a child, since the same checks run.
"""
import importlib.util
import inspect
import itertools
import os
import sys
import traceback

from checks.grading.process import Raised
from checks.grading.remote import raised

_COUNT = itertools.count()


class Local:
    """The submission's module, loaded here."""

    not_implemented = ()  # in-process, a NotImplementedError fails its check with its own message
    not_implemented_raised = 0

    def __init__(self):
        self.module = None

    def load(self, path):
        """Import the file; -> (names of its classes, those it defines itself)."""
        name = f"submission_{next(_COUNT)}"
        spec = importlib.util.spec_from_file_location(name, path)
        self.module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        try:
            spec.loader.exec_module(self.module)
        except BaseException as e:  # noqa: B036 - sys.exit at import is the submission's failure, not ours
            raise raised(Raised({"type": type(e).__name__, "message": str(e), "line": line_in(e, path)})) from None
        finally:
            sys.path.pop(0)
        classes = [n for n, v in vars(self.module).items() if inspect.isclass(v)]
        return classes, [n for n in classes if getattr(self.module, n).__module__ == name]

    def implementation(self, class_name, kind):
        return getattr(self.module, class_name)


def line_in(error, path):
    """The line of path where error was raised (or its syntax error sits), or None."""
    if isinstance(error, SyntaxError):
        return error.lineno
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
    return lines[-1] if lines else None
