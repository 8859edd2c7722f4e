"""Starter files for learners: the class to write, its protocol, and the formulas from its spec.

template(name) -> the text of a Python file defining the component's class
with docstrings that carry the spec's definition, shapes and partial
derivatives (specs/<name>.md), and methods that raise NotImplementedError.
The grader scores it 0 and says "not implemented yet". template(name, step)
is the starter of a step of the course (checks/grading/steps.py): its
component, with only the methods that step asks for.
"""
import os

from checks.components import COMPONENTS, LAYER, OPTIMIZER
from checks.grading.places import ROOT
from checks.grading.steps import later_step_with_every_method

SPECS = os.path.join(ROOT, "specs")
CONSTRUCTORS = {  # component -> (constructor arguments, body lines, or None: the learner writes it); the rest take none
    "dense": ("n_in, n_out, seed=0", None),
    "neuron": ("n_in, seed=0", None),
    "sequential": ("layers", None),
    "leaky_relu": ("alpha=0.01", ["self.alpha = alpha  # the slope for x <= 0: a fixed number, not a parameter",
                                  "self.params = {}", "self.grads = {}"]),
    "sgd": ("lr", ["self.lr = lr  # read at every step: a learning-rate schedule may change it between steps"]),
    "momentum": ("lr, beta=0.9", ["self.lr = lr  # read at every step: a learning-rate schedule may change it",
                                  "self.beta = beta", "self.velocity = {}  # name -> v, created at its first step"]),
    "dropout": ("p=0.5, seed=0", ["self.p = p  # the probability of dropping an entry",
                                  "self.rng = random.Random(seed)  # draw every mask from this generator, nothing else",
                                  "self.training = True  # the mode: False in evaluation (specs/protocol.md)",
                                  "self.params = {}", "self.grads = {}"]),
    "batch_norm": ("n_features, eps=1e-5, momentum=0.1", [
        "self.eps, self.momentum = eps, momentum",
        "self.training = True  # the mode; False in evaluation (specs/protocol.md, \"Modes\")",
        'self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}',
        'self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}',
        "self.running_mean = [0.0] * n_features  # moved towards each training batch's mean",
        "self.running_var = [1.0] * n_features  # moved towards each training batch's unbiased variance"]),
    "layer_norm": ("n_features, eps=1e-5", [
        "self.eps = eps",
        'self.params = {"gamma": [1.0] * n_features, "beta": [0.0] * n_features}',
        'self.grads = {"gamma": [0.0] * n_features, "beta": [0.0] * n_features}']),
    "adam": ("lr, beta1=0.9, beta2=0.999, eps=1e-8",
             ["self.lr = lr  # read at every step: a learning-rate schedule may change it",
              "self.beta1, self.beta2, self.eps = beta1, beta2, eps",
              "self.m, self.v, self.t = {}, {}, {}  # by name: first and second moments, and the step count"]),
}
EMPTY = ["self.params = {}  # no parameters: params and grads stay empty dicts", "self.grads = {}"]
INIT_DOCS = {  # the docstring of a constructor the learner writes
    "dense": ['W (n_in, n_out) drawn from random.Random(seed), Xavier uniform (specs/initializers.md);',
              'b (n_out,) of zeros. params = {"W": W, "b": b}; grads has the same keys and shapes.'],
    "neuron": ['w (n_in,) drawn from random.Random(seed), Xavier uniform for n_out = 1 (specs/initializers.md);',
               'b = [0.0], a list of one number. params = {"w": w, "b": b}; grads has the same keys and shapes.'],
    "sequential": ['Keep the layers. params and grads are dicts (or mappings) keyed "<index>.<name>" ("0.W" is the',
                   "W of layer 0) holding the layers' own lists, so that an optimizer editing params[\"0.W\"] in",
                   "place, or a grader replacing it, changes layer 0 (specs/sequential.md, specs/protocol.md)."],
}
NETWORK_NOTE = ["The grader gives Sequential its layers (Dense, ReLU, Tanh, ...) from its own library: the",
                "reference's layers, sent with your file. Your file holds Sequential only."]


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


def constructor(name, kind):
    arguments, body = CONSTRUCTORS.get(name, ("", EMPTY if kind == LAYER else None))
    signature = f"    def __init__(self{', ' + arguments if arguments else ''}):"
    if name in INIT_DOCS:
        doc = INIT_DOCS[name]
        return [signature, f'        """{doc[0]}'] + ["        " + line for line in doc[1:]] + ['        """',
                f'        raise NotImplementedError("__init__: see specs/{name}.md, Definition")', ""]
    if body is None:
        return []
    return [signature] + ["        " + line for line in body] + [""]


def header(name, cls, kind, step):
    """The starter's module docstring: what to write, the command that grades it, where the formulas are."""
    what = {LAYER: "layer", OPTIMIZER: "optimizer"}.get(kind, "loss")
    if step is None:
        lines = [f'"""{cls}: a starter file. Write the methods below, then grade your work:', "",
                 f"    python -m checks grade {name}.py", ""]
    else:
        lines = [f'"""Step {step.number} of the course (specs/README.md): {step.title[0].lower() + step.title[1:]}.',
                 "", "Write the methods below, then grade your work:", "",
                 f"    python -m checks grade {name}.py --step {step.number}", ""]
        later = later_step_with_every_method(step)
        if step.methods is not None and later is not None:
            lines += [f"This step grades {' and '.join(m for m in step.methods if m != '__init__')} only; the "
                      f"rest of {cls} comes in step {later.number}.", ""]
    lines += [f"specs/{name}.md has the formulas (copied into the docstrings below) and a worked example;",
              f"specs/protocol.md says what every {what} has. A batch is a list",
              "of rows, each a list of floats. Use the standard library only."]
    if name == "sequential":
        lines += [""] + NETWORK_NOTE
    return lines + ['"""']


def template(name, step=None):
    """The starter file of a component, or of a step of the course (its component, the methods it asks for)."""
    name = step.component if step is not None else name
    component = COMPONENTS[name]
    cls, kind = component.class_name, component.kind
    wanted = step.methods if step is not None and step.methods is not None else None
    seeded = ("dense", "neuron", "dropout")  # the components that draw from random.Random(seed)
    imports = ["import math", "import random", "", ""] if name in seeded else ["import math", "", ""]
    stubs = method_stubs(name, kind)
    body = [f"class {cls}:"] + class_docstring(name, sections(name), kind, wanted is None or "backward" in wanted)
    body += [""]
    if wanted is None or "__init__" in wanted:
        body += constructor(name, kind)
    chosen = [m for m in stubs if wanted is None or m in wanted]
    for i, method in enumerate(chosen):
        body += stubs[method] + ([""] if i < len(chosen) - 1 else [])
    return "\n".join(header(name, cls, kind, step) + imports + body) + "\n"
