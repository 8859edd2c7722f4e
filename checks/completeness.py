"""The completeness gate: every component that reference/ exports is fully checked, and every list agrees.

A component (a module of reference/ that defines an exported name) needs a
spec with the template's sections and a worked example, an entry in
checks/components.py with gradient-check points where it has a gradient, a
property suite, and a baseline model. The lists that cannot derive from the
declarations (reference.__all__, which stays standard-library; pyproject's
only_mutate) and the declarations' own links (a gradable component's class
and kind, the course's step numbers, a network's library) must agree with
them, and the index of specs/README.md must list it. What is missing or
disagrees is named, one line each.
"""
import importlib
import os
import re

import reference
from checks.components import COMPONENTS, LAYER, LOSS, OPTIMIZER, component_of
from checks.grading.rubric import DEFAULT

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


def audit(exported=None, registry=COMPONENTS, mutated=None):
    """{component: [gaps]} for every exported component and every registered one; empty lists mean complete."""
    exported = exported_components() if exported is None else exported
    mutated = mutation_scope() if mutated is None else mutated
    result = {name: spec_gaps(name) + check_gaps(name, registry) for name in exported}
    for name in registry:
        if name not in exported:
            result[name] = [f"checks/components.py registers '{name}' but reference does not export it"]
    for name, gaps in list_gaps(exported, registry, mutated).items():
        result.setdefault(name, []).extend(gaps)
    return result


def mutation_scope(path=os.path.join(ROOT, "pyproject.toml")):
    """The files of [tool.mutmut] only_mutate in pyproject.toml (read as text: tomllib is Python 3.11+)."""
    with open(path, encoding="utf-8") as f:
        found = re.search(r"^only_mutate\s*=\s*\[(.*?)\]", f.read(), re.M | re.S)
    return re.findall(r'"([^"]+)"', found.group(1)) if found else []


def list_gaps(exported, registry, mutated):
    """{component: [gaps]} where reference.__all__, only_mutate or the declarations' own links disagree."""
    gaps = {}
    if [n for n in registry if n in exported] != [n for n in exported if n in registry]:
        gaps.setdefault(next(iter(registry)), []).append(
            "reference.__all__ lists the components in another order than checks/components.py: "
            f"{', '.join(exported)}; order __all__ as the declarations are ordered")
    for name, component in registry.items():
        found = gaps.setdefault(name, [])
        if component.class_name and name in exported and component.class_name not in exported[name]:
            found.append(f"checks/components.py declares the class {component.class_name} for '{name}', but "
                         f"reference.__all__ exports {', '.join(exported[name])} from reference/{name}.py")
        if f"reference/{name}.py" not in mutated:
            found.append(f"reference/{name}.py is not in [tool.mutmut] only_mutate in pyproject.toml")
        found.extend(declaration_gaps(name, component))
    gaps.update(step_gaps(registry))
    for name, found in index_gaps(registry).items():
        gaps.setdefault(name, []).extend(found)
    return {name: found for name, found in gaps.items() if found}


def index_gaps(registry, path=os.path.join(ROOT, "specs", "README.md")):
    """Every component has a row in the index of specs/README.md linking its spec, its code and its properties."""
    with open(path, encoding="utf-8") as f:
        rows = [line for line in f.read().splitlines() if line.startswith("|")]
    gaps = {}
    for name in registry:
        row = f"| {name} | [{name}.md]({name}.md) | [reference/{name}.py](../reference/{name}.py) | " \
              f"[checks/properties/{name}.py](../checks/properties/{name}.py) |"
        if not any(line.endswith(row) for line in rows):
            gaps[name] = [f"specs/README.md has no row for '{name}' in its index: add '| <family> {row}'"]
    return gaps


def declaration_gaps(name, component):
    """What a declaration says that cannot hold: a gradable component without a class, a library or network
    that is not a layer, course steps of a component the grader does not take."""
    gaps = []
    if component.gradable and (not component.class_name or component.kind not in (LAYER, LOSS, OPTIMIZER)):
        gaps.append(f"'{name}' is declared gradable, but the grader takes only the class of a layer, a loss or "
                    "an optimizer")
    if (component.library or component.network) and component.kind != LAYER:
        gaps.append(f"'{name}' is declared part of a network (library or network), but it is a {component.kind}")
    if component.steps and not component.gradable:
        gaps.append(f"'{name}' declares course steps but is not gradable")
    for step in component.steps:
        if not isinstance(step.rubric, dict) or not set(step.rubric) <= set(DEFAULT):
            gaps.append(f"step {step.number} of '{name}' has the rubric {step.rubric!r}; a rubric maps checks "
                        f"({', '.join(DEFAULT)}) to points")
    return gaps


def step_gaps(registry):
    """No two components may declare a course step of the same number."""
    owners = {}
    for name, component in registry.items():
        for step in component.steps:
            owners.setdefault(step.number, []).append(name)
    return {names[-1]: [f"step {number} of the course is declared by both '{names[0]}' and '{names[-1]}' in "
                        "checks/components.py; each step has one number"]
            for number, names in owners.items() if len(names) > 1}
