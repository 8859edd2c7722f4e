"""Standalone submission files for the grader's tests, built from the project's own modules at test time.

A submission runs in a child process that cannot import reference, so a
class from tests/planted.py (which subclasses reference's classes) becomes a
file holding the reference modules it needs, the gallery's source with its
reference imports removed, and `Dense = DenseSignFlip`: the component's class
name bound to the class under test.
"""
import ast
import inspect
import os

import reference

REFERENCE_MODULES = ("tensor", "initializers", "sigmoid", "softmax", "dense", "identity", "relu", "leaky_relu",
                     "tanh", "mse", "binary_cross_entropy", "softmax_cross_entropy")
FOLDER = os.path.dirname(os.path.abspath(reference.__file__))


def without_reference_imports(source):
    """source with every `import reference...` and `from reference... import ...` statement removed."""
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):
        module = getattr(node, "module", None) or ""
        names = [a.name for a in getattr(node, "names", [])] if isinstance(node, ast.Import) else []
        if module.startswith("reference") or any(n.startswith("reference") for n in names):
            del lines[node.lineno - 1:node.end_lineno]
    return "\n".join(lines) + "\n"


def reference_source():
    """The reference modules the gallery uses, concatenated, their imports of each other removed."""
    parts = []
    for name in REFERENCE_MODULES:
        with open(os.path.join(FOLDER, f"{name}.py"), encoding="utf-8") as f:
            parts.append(without_reference_imports(f.read()))
    return "\n\n".join(parts)


def standalone(cls, class_name):
    """A submission file's text: cls (from reference/ or tests/) bound to class_name, with no import of reference."""
    module = inspect.getmodule(cls)
    if module.__name__.startswith("reference"):
        return reference_source() + f"\n{class_name} = {cls.__name__}\n"
    source = without_reference_imports(inspect.getsource(module))
    prefix = reference_source() + "\n\n" if module.__name__ == "tests.planted" else ""
    return prefix + source + f"\n{class_name} = {cls.__name__}\n"


def write(folder, name, text):
    """Write a submission file; -> its path."""
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
