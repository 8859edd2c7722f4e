"""The completeness gate: every component that reference/ exports is fully checked.

A component (a module of reference/ that defines an exported name) needs a
spec with the template's sections and a worked example, an entry in
checks/components.py with gradient-check points where it has a gradient, a
property suite, and a baseline model. What is missing is named, one line each.
"""
import importlib
import os

import reference
from checks.components import COMPONENTS, OPTIMIZER, component_of

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADINGS = ["Definition", "Shapes", "Partial derivatives", "Conventions", "Departures from the textbook",
            "Worked example"]


def exported_components(package=reference):
    """{component name: [exported names it defines]} for everything in package.__all__."""
    found = {}
    for name in package.__all__:
        found.setdefault(component_of(getattr(package, name)), []).append(name)
    return found


def spec_gaps(name, specs=os.path.join(ROOT, "specs")):
    """What specs/<name>.md lacks: the file, a template section (in order), or a worked example."""
    path = os.path.join(specs, f"{name}.md")
    if not os.path.exists(path):
        return [f"no spec: write specs/{name}.md"]
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    headings = [line[3:].strip() for line in lines if line.startswith("## ")]
    gaps = [f"specs/{name}.md has no section '## {h}'" for h in HEADINGS if h not in headings]
    present = [h for h in headings if h in HEADINGS]
    if not gaps and present != HEADINGS:
        gaps.append(f"specs/{name}.md: sections out of order; expected {', '.join(HEADINGS)}")
    if not any(line.lstrip().startswith(">>> ") for line in lines):
        gaps.append(f"specs/{name}.md has no worked example ('>>>' lines that a test runs)")
    return gaps


def check_gaps(name, registry=COMPONENTS):
    """What the checks lack for a component: its registry entry, gradient points, properties, baseline."""
    component = registry.get(name)
    if component is None:
        return [f"no entry in checks/components.py for '{name}'"]
    gaps = []
    if component.has_gradient and component.points is None:
        gaps.append(f"'{name}' has a gradient but no gradient-check points in checks/components.py")
    if component.kind == OPTIMIZER and (component.points is None or component.first_step is None):
        gaps.append(f"'{name}' is an optimizer but has no descent-check points or first-step direction "
                    "in checks/components.py")
    try:
        suite = importlib.import_module(f"checks.properties.{name}").PROPERTIES
        if not suite:
            gaps.append(f"checks/properties/{name}.py lists no properties")
    except (ImportError, AttributeError):
        gaps.append(f"no property suite: write checks/properties/{name}.py with a PROPERTIES list")
    if component.model is None:
        gaps.append(f"'{name}' has no baseline model in checks/components.py")
    return gaps


def audit(exported=None, registry=COMPONENTS):
    """{component: [gaps]} for every exported component and every registered one; empty lists mean complete."""
    exported = exported_components() if exported is None else exported
    result = {name: spec_gaps(name) + check_gaps(name, registry) for name in exported}
    for name in registry:
        if name not in exported:
            result[name] = [f"checks/components.py registers '{name}' but reference does not export it"]
    return result
