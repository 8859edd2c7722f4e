"""Standalone submission files for the grader's tests, built from the project's own modules at test time.

A submission runs in a child process that cannot import reference, so a
class from tests/planted.py (which subclasses reference's classes) becomes a
file holding the reference modules it needs, the gallery's source with its
reference imports removed, and `Dense = DenseSignFlip`: the component's class
name bound to the class under test.
"""
import inspect

from checks.grading.samples import reference_source, without_reference_imports


def standalone(cls, class_name):
    """A submission file's text: cls (from reference/ or tests/) bound to class_name, with no import of reference."""
    module = inspect.getmodule(cls)
    if module.__name__.startswith("reference"):
        return reference_source() + f"\n{class_name} = {cls.__name__}\n"
    source = without_reference_imports(inspect.getsource(module))
    prefix = reference_source() + "\n\n" if module.__name__ == "tests.planted" else ""
    return prefix + source + f"\n{class_name} = {cls.__name__}\n"
