"""Starter files for learners: the class to write, its protocol, and the formulas from its spec.

template(name) -> the text of a Python file defining the component's class
with docstrings that carry the spec's definition, shapes and partial
derivatives (specs/<name>.md), and methods that raise NotImplementedError.
The grader scores it 0 and says "not implemented yet". template(name, step)
is the starter of a step of the course (checks/grading/steps.py): its
component, with only the methods that step asks for.
"""
import os

from checks.components import COMPONENTS
from checks.grading.places import ROOT
from checks.grading.steps import later_step_with_every_method
from checks.kinds import LAYER, OPTIMIZER

SPECS = os.path.join(ROOT, "specs")
EMPTY = ("self.params = {}  # no parameters: params and grads stay empty dicts", "self.grads = {}")


def sections(name):
    """{heading: text} of specs/<name>.md."""
    with open(os.path.join(SPECS, f"{name}.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    found, heading = {}, None
    for line in lines:
        if line.startswith("## "):
            heading = line[3:].strip()
            found[heading] = []
        elif heading:
            found[heading].append(line)
    return {h: "\n".join(body) for h, body in found.items()}


def first_block(text):
    """The lines of the first fenced code block in text."""
    lines, inside, block = text.splitlines(), False, []
    for line in lines:
        if line.startswith("```"):
            if inside:
                return block
            inside = True
        elif inside:
            block.append(line)
    return block


def shape_rows(text):
    """The rows of a markdown table of shapes, as "name: shape" lines without backticks."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip().replace("`", "") for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2 and cells[0] not in ("name", "---"):
            rows.append(f"{cells[0]}: {cells[1]}")
    return rows


def docstring_text(lines, indent):
    """Lines for a docstring: indented, and safe inside triple quotes."""
    pad = " " * indent
    return [pad + line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') if line else "" for line in lines]


def class_docstring(name, spec, kind, with_backward=True):
    summary = first_block(spec.get("Definition", ""))
    lines = ["What to compute (specs/{}.md, \"Definition\"):".format(name), ""]
    lines += ["    " + line for line in summary] + ["", "Shapes:", ""]
    lines += ["    " + row for row in shape_rows(spec.get("Shapes", ""))]
    if kind != OPTIMIZER and with_backward:
        lines += ["", "Partial derivatives, what backward returns:", ""]
        lines += ["    " + line for line in first_block(spec.get("Partial derivatives", ""))]
    reread = "in place, every name, no state" if kind == OPTIMIZER else "kinks and numerical stability"
    lines += ["", f"Read \"Conventions\" in specs/{name}.md too: {reread}."]
    return ['    """' + lines[0]] + docstring_text(lines[1:], 4) + ['    """']


def method_stubs(name, kind):
    """{method: its stub lines} of a layer, a loss or an optimizer."""
    spec = f"specs/{name}.md"
    if kind == OPTIMIZER:
        return {"step": [
            "    def step(self, params, grads):",
            '        """Edit every params[name] in place from grads[name] (matrices row by row, a vector as one row);',
            '        return nothing. Read self.lr here, at every step."""',
            f'        raise NotImplementedError("step: see {spec}, Definition")',
        ]}
    if kind == LAYER:
        return {"forward": [
            "    def forward(self, x):",
            '        """x (N, D) -> y (N, M), new lists; keep what backward needs (the input or the output)."""',
            f'        raise NotImplementedError("forward: see {spec}, Definition")',
        ], "backward": [
            "    def backward(self, dy):",
            '        """dy = dL/dy (N, M) for the latest forward -> dx = dL/dx (N, D).',
            "",
            "        Set grads[name] = dL/dparams[name] for every parameter: overwrite, never add.",
            '        """',
            f'        raise NotImplementedError("backward: see {spec}, Partial derivatives")',
        ]}
    return {"forward": [
        "    def forward(self, y_pred, y_true):",
        '        """-> L, one float: the mean over the batch; keep what backward will need."""',
        f'        raise NotImplementedError("forward: see {spec}, Definition")',
    ], "backward": [
        "    def backward(self):",
        '        """-> dL/dy_pred, with the shape of y_pred, for the latest forward."""',
        f'        raise NotImplementedError("backward: see {spec}, Partial derivatives")',
    ]}


def constructor(name, kind, starter):
    """The constructor's lines: given to the learner (starter.body, or no parameters for a layer), a stub with its
    docstring for the learner to write (starter.init_doc), or none."""
    body = starter.body if starter.body is not None else (EMPTY if kind == LAYER else None)
    signature = f"    def __init__(self{', ' + starter.arguments if starter.arguments else ''}):"
    if starter.init_doc:
        doc = starter.init_doc
        return [signature, f'        """{doc[0]}'] + ["        " + line for line in doc[1:]] + ['        """',
                f'        raise NotImplementedError("__init__: see specs/{name}.md, Definition")', ""]
    if body is None:
        return []
    return [signature] + ["        " + line for line in body] + [""]


def header(name, cls, kind, step, notes=()):
    """The starter's module docstring: what to write, the command that grades it, where the formulas are."""
    what = {LAYER: "layer", OPTIMIZER: "optimizer"}.get(kind, "loss")
    if step is None:
        lines = [f'"""{cls}: a starter file. Write the methods below, then grade your work:', "",
                 f"    python3 -m checks grade {name}.py", ""]
    else:
        lines = [f'"""Step {step.number} of the course (specs/course.md): {step.title[0].lower() + step.title[1:]}.',
                 "", "Write the methods below, then grade your work:", "",
                 f"    python3 -m checks grade {step.file} --step {step.number}", ""]
        later = later_step_with_every_method(step)
        if step.methods is not None and later is not None:
            lines += [f"This step grades {' and '.join(m for m in step.methods if m != '__init__')} only; the "
                      f"rest of {cls} comes in step {later.number}.", ""]
    lines += [f"specs/{name}.md has the formulas (copied into the docstrings below) and a worked example;",
              f"specs/protocol.md says what every {what} has. A batch is a list",
              "of rows, each a list of floats. Use the standard library only."]
    if notes:
        lines += [""] + list(notes)
    return lines + ['"""']


def template(name, step=None):
    """The starter file of a component, or of a step of the course (its component, the methods it asks for)."""
    name = step.component if step is not None else name
    component = COMPONENTS[name]
    cls, kind = component.class_name, component.kind
    wanted = step.methods if step is not None and step.methods is not None else None
    imports = [f"import {module}" for module in component.template.imports] + ["", ""]
    stubs = method_stubs(name, kind)
    body = [f"class {cls}:"] + class_docstring(name, sections(name), kind, wanted is None or "backward" in wanted)
    body += [""]
    if wanted is None or "__init__" in wanted:
        body += constructor(name, kind, component.template)
    chosen = [m for m in stubs if wanted is None or m in wanted]
    for i, method in enumerate(chosen):
        body += stubs[method] + ([""] if i < len(chosen) - 1 else [])
    return "\n".join(header(name, cls, kind, step, component.template.notes) + imports + body) + "\n"
