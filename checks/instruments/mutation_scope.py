"""What make mutation mutates, and which of its functions are gradient code, found by parsing reference/.

In scope: the components (every module of reference/ that defines a name in reference.__all__) and the numeric
helpers they compute with. Gradient code: every backward, every optimizer step, the weight-decay gradient and add.
"""
import ast
from pathlib import Path

HELPERS = ("tensor", "parameters", "minibatches", "recurrence")  # the numeric helpers the components compute with
GRADIENT_METHODS = ("backward", "step", "gradient")  # a layer's or loss's backward, an optimizer's step, a penalty's
ALSO_GRADIENT = ("reference.weight_decay.WeightDecay.add",)  # adds the penalty gradient to the data-loss gradient


def component_modules(reference_dir):
    """Modules of reference/ that define a name in reference.__all__, read from reference/__init__.py."""
    tree = ast.parse((Path(reference_dir) / "__init__.py").read_text(encoding="utf-8"))
    exported = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            exported = set(ast.literal_eval(node.value))
    modules = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reference."):
            if any(alias.name in exported for alias in node.names):
                modules.append(node.module.split(".", 1)[1])
    return sorted(set(modules))


def in_scope_modules(reference_dir):
    return sorted(set(component_modules(reference_dir)) | set(HELPERS))


def gradient_functions(reference_dir):
    """Qualified names ("reference.relu.ReLU.backward") of the gradient code, found by parsing the components."""
    modules = component_modules(reference_dir)
    found = {name for name in ALSO_GRADIENT if name.split(".")[1] in modules}
    for module in modules:
        tree = ast.parse((Path(reference_dir) / f"{module}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found.update(f"reference.{module}.{node.name}.{item.name}" for item in node.body
                             if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and item.name in GRADIENT_METHODS)
    return sorted(found)
