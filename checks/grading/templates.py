"""Starter files for learners: the class to write, its protocol, and the formulas from its spec.

template(name) -> the text of a Python file defining the component's class
with docstrings that carry the spec's definition, shapes and partial
derivatives (specs/<name>.md), and methods that raise NotImplementedError.
The grader scores it 0 and says "not implemented yet".
"""
import os

from checks.components import COMPONENTS, LAYER
from checks.grading.places import ROOT

SPECS = os.path.join(ROOT, "specs")
CONSTRUCTORS = {  # component -> (constructor arguments, body lines); the rest take no argument
    "dense": ("n_in, n_out, seed=0", None),
    "leaky_relu": ("alpha=0.01", ["self.alpha = alpha  # the slope for x <= 0: a fixed number, not a parameter",
                                  "self.params = {}", "self.grads = {}"]),
}
EMPTY = ["self.params = {}  # no parameters: params and grads stay empty dicts", "self.grads = {}"]
DENSE_INIT = ('"""W (n_in, n_out) drawn from random.Random(seed), Xavier uniform (specs/initializers.md);\n'
              '        b (n_out,) of zeros. params = {"W": W, "b": b}; grads has the same keys and shapes.\n'
              '        """')


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


def class_docstring(name, spec):
    summary = first_block(spec.get("Definition", ""))
    lines = ["What to compute (specs/{}.md, \"Definition\"):".format(name), ""]
    lines += ["    " + line for line in summary] + ["", "Shapes:", ""]
    lines += ["    " + row for row in shape_rows(spec.get("Shapes", ""))]
    lines += ["", "Partial derivatives, what backward returns:", ""]
    lines += ["    " + line for line in first_block(spec.get("Partial derivatives", ""))]
    lines += ["", f"Read \"Conventions\" in specs/{name}.md too: kinks and numerical stability."]
    return ['    """' + lines[0]] + docstring_text(lines[1:], 4) + ['    """']


def methods(name, kind):
    """The method stubs of a layer or a loss."""
    spec = f"specs/{name}.md"
    if kind == LAYER:
        return [
            "    def forward(self, x):",
            '        """x (N, D) -> y (N, M), new lists; keep what backward needs (the input or the output)."""',
            f'        raise NotImplementedError("forward: see {spec}, Definition")',
            "",
            "    def backward(self, dy):",
            '        """dy = dL/dy (N, M) for the latest forward -> dx = dL/dx (N, D).',
            "",
            "        Set grads[name] = dL/dparams[name] for every parameter: overwrite, never add.",
            '        """',
            f'        raise NotImplementedError("backward: see {spec}, Partial derivatives")',
        ]
    return [
        "    def forward(self, y_pred, y_true):",
        '        """-> L, one float: the mean over the batch; keep what backward will need."""',
        f'        raise NotImplementedError("forward: see {spec}, Definition")',
        "",
        "    def backward(self):",
        '        """-> dL/dy_pred, with the shape of y_pred, for the latest forward."""',
        f'        raise NotImplementedError("backward: see {spec}, Partial derivatives")',
    ]


def constructor(name, kind):
    arguments, body = CONSTRUCTORS.get(name, ("", EMPTY if kind == LAYER else None))
    signature = f"    def __init__(self{', ' + arguments if arguments else ''}):"
    if name == "dense":
        return [signature, "        " + DENSE_INIT,
                f'        raise NotImplementedError("__init__: see specs/{name}.md, Definition")', ""]
    if body is None:
        return []
    return [signature] + ["        " + line for line in body] + [""]


def template(name):
    """The starter file of a component, as text."""
    component = COMPONENTS[name]
    cls, kind = component.class_name, component.kind
    header = [
        f'"""{cls}: a starter file. Write the methods below, then grade your work:',
        "",
        f"    python -m checks grade {name}.py",
        "",
        f"specs/{name}.md has the formulas (copied into the docstrings below) and a worked example;",
        f"specs/protocol.md says what every {'layer' if kind == LAYER else 'loss'} has. A batch is a list",
        "of rows, each a list of floats. Use the standard library only.",
        '"""',
    ]
    imports = ["import math", "import random", "", ""] if name == "dense" else ["import math", "", ""]
    body = [f"class {cls}:"] + class_docstring(name, sections(name)) + [""]
    body += constructor(name, kind) + methods(name, kind)
    return "\n".join(header + imports + body) + "\n"
