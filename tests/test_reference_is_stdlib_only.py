"""reference/ imports only the standard library (and itself)."""
import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# make mutation runs the tests inside mutmut's copy of the project, mutants/, where every mutated module of
# reference/ imports mutmut's trampoline. The rule is about the real sources, so it is not checked there.
INSIDE_MUTANTS = ROOT.name == "mutants"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.skipif(INSIDE_MUTANTS, reason="mutants/ holds mutmut's mutated copy of reference/")
def test_reference_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"reference", "__future__"}
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "reference").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] not in allowed
    }
    assert not found, f"reference/ must use the standard library alone: {sorted(found)}"


def test_the_scan_sees_a_third_party_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import numpy as np\nfrom hypothesis import given\nimport math\n")
    assert list(imported_modules(sample)) == ["numpy", "hypothesis", "math"]
