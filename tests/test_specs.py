"""The specs in specs/ follow the template, and their worked examples run against reference/.

Each worked example is a doctest session; a spec whose examples were never
found fails, so an example cannot pass by going missing.
"""
import doctest
import glob
import os

import pytest

from checks.completeness import HEADINGS, exported_components

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, "specs")
MODULES = sorted(os.path.basename(p)[:-3] for folder in ("reference", os.path.join("reference", "trainer"))
                 for p in glob.glob(os.path.join(ROOT, folder, "*.py"))
                 if not os.path.basename(p).startswith("__"))
COMPONENTS = list(exported_components())
SUPPORT = [m for m in MODULES if m not in COMPONENTS]
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def read(name):
    """The text of specs/<name>.md, or a failed test that names the missing file."""
    path = os.path.join(SPECS, f"{name}.md")
    if not os.path.exists(path):
        pytest.fail(f"specs/{name}.md does not exist; write it from the template")
    with open(path, encoding="utf-8") as f:
        return f.read()


def specs_with_examples():
    """Names of the specs that contain '>>>' lines, sorted."""
    names = []
    for path in sorted(glob.glob(os.path.join(SPECS, "*.md"))):
        with open(path, encoding="utf-8") as f:
            if ">>>" in f.read():
                names.append(os.path.basename(path)[:-3])
    return names


def test_the_module_lists_are_found():
    assert {"dense", "relu", "mse", "sequential", "initializers"} <= set(COMPONENTS)
    assert {"tensor", "bike_sharing"} <= set(SUPPORT)


def test_every_spec_exists():
    """Each component and each support module of reference/ has specs/<name>.md."""
    names = COMPONENTS + SUPPORT
    missing = [f"specs/{name}.md" for name in names if not os.path.exists(os.path.join(SPECS, f"{name}.md"))]
    assert not missing, f"these specs are missing: {', '.join(missing)}"


@pytest.mark.parametrize("name", COMPONENTS)
def test_component_spec_has_template_headings_in_order(name):
    """A component spec has the six level-2 headings of the template, each once, in the template's order."""
    headings = [line[3:].strip() for line in read(name).splitlines() if line.startswith("## ")]
    template = [h for h in headings if h in HEADINGS]
    assert template == HEADINGS, (
        f"specs/{name}.md has the template headings {template}; expected exactly {HEADINGS} in this order"
    )


@pytest.mark.parametrize("name", COMPONENTS + SUPPORT)
def test_spec_has_worked_example(name):
    """Every spec named in the template has '>>>' lines, so test_spec_examples_run collects it."""
    assert name in specs_with_examples(), f"specs/{name}.md has no '>>>' lines: its worked example is missing"


@pytest.mark.parametrize("name", specs_with_examples())
def test_spec_examples_run(name):
    """The doctest session in the spec runs against reference/ and every example gives the printed output."""
    path = os.path.join(SPECS, f"{name}.md")
    failed, attempted = doctest.testfile(path, module_relative=False, optionflags=FLAGS, verbose=False)
    assert attempted > 0, f"specs/{name}.md contains '>>>' but doctest found no examples in it"
    assert failed == 0, (
        f"{failed} of {attempted} examples in specs/{name}.md failed; "
        "the doctest report (expected vs got) is in the captured stdout"
    )
