"""Files made from the reference's own source: sample submissions, and the library a graded network is built from.

A submission runs in a child that cannot import reference, so a sample is
the text of the reference modules it needs, their imports of each other
removed, followed by a line binding the component's class name.

When a network (Sequential) is graded, its layers are built in the child
from library_source(): the reference's layers, as text the learner may read
(the starter file of the course's step 8 says so). Nothing else of the
reference reaches the child.
"""
import ast
import os

import reference

REFERENCE_MODULES = ("tensor", "parameters", "initializers", "sigmoid", "softmax", "neuron", "dense", "identity", "relu",
                     "leaky_relu", "tanh", "sequential", "mse", "binary_cross_entropy", "softmax_cross_entropy", "sgd",
                     "momentum", "adam", "dropout", "layer_norm", "batch_norm")
LIBRARY_MODULES = ("tensor", "initializers", "dense", "identity", "relu", "leaky_relu", "sigmoid", "tanh")
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


def reference_source(modules=REFERENCE_MODULES):
    """The reference modules a sample may use, concatenated, their imports of each other removed."""
    parts = []
    for name in modules:
        with open(os.path.join(FOLDER, f"{name}.py"), encoding="utf-8") as f:
            parts.append(without_reference_imports(f.read()))
    return "\n\n".join(parts)


def library_source():
    """The layers a graded network is built from in the child: Dense, Identity, ReLU, LeakyReLU, Sigmoid, Tanh."""
    header = '"""The layers the grader builds your network from (the reference\'s own), as Sequential receives them."""\n'
    return header + reference_source(LIBRARY_MODULES)


def write(folder, name, text):
    """Write a submission file; -> its path."""
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
