"""Submission files made from the reference's own source, for measuring the grader and for its tests.

A submission runs in a child that cannot import reference, so a sample is
the text of the reference modules it needs, their imports of each other
removed, followed by a line binding the component's class name.
"""
import ast
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
    """The reference modules a sample may use, concatenated, their imports of each other removed."""
    parts = []
    for name in REFERENCE_MODULES:
        with open(os.path.join(FOLDER, f"{name}.py"), encoding="utf-8") as f:
            parts.append(without_reference_imports(f.read()))
    return "\n\n".join(parts)


def write(folder, name, text):
    """Write a submission file; -> its path."""
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
