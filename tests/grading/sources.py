"""Standalone submission files for the grader's tests, built from the project's own modules at test time.

A submission runs in a child process that cannot import reference, so a
class from a planted gallery (tests/planted_<family>.py, which subclasses reference's classes) becomes a
file holding the reference modules it needs, the gallery's source with its
reference imports removed, and `Dense = DenseSignFlip`: the component's class
name bound to the class under test. A class from tests/grading/gallery.py
also gets the source of tests/correct_implementations.py, which the gallery
lists.
"""
import ast
import functools
import inspect
import sys

from checks.grading.samples import reference_source, without_reference_imports
from tests import correct_implementations

def with_reference(name):
    """Whether a module's classes subclass reference's: the planted galleries' and the grading gallery's."""
    return name.startswith("tests.planted_") or name == "tests.grading.gallery"


def without_tests_imports(source):
    """source with every `from tests... import ...` statement removed: the child has no tests package."""
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
            del lines[node.lineno - 1:node.end_lineno]
    return "\n".join(lines) + "\n"


def standalone(cls, class_name):
    """A submission file's text: cls (from reference/ or tests/) bound to class_name, with no import of reference."""
    return module_text(inspect.getmodule(cls).__name__) + f"\n{class_name} = {cls.__name__}\n"


@functools.lru_cache(maxsize=None)
def module_text(name):
    """The text of a module's submission files before the binding line: what the child needs of reference, then
    the module's source (once per module: every class of a module shares it)."""
    if name.startswith("reference"):
        return reference_source()
    source = without_reference_imports(inspect.getsource(sys.modules[name]))
    prefix = reference_source() + "\n\n" if with_reference(name) else ""
    if name == "tests.grading.gallery":
        prefix += inspect.getsource(correct_implementations) + "\n\n"
        source = without_tests_imports(source)
    return prefix + source
