"""The sandbox boundary in code: the child can run only the child-side files, and they use only the standard library."""
import ast
import os
import subprocess
import sys

from checks.grading import isolation, runner

HERE = os.path.dirname(os.path.abspath(runner.__file__))


def imported(path):
    """Every module name a file imports, wherever the import statement sits."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_sandbox_mounts_exactly_the_runner_the_guard_and_the_modules_the_runner_loads():
    assert set(isolation.CHILD_FILES) == {"runner.py", "guard.py"} | {f"{m}.py" for m in runner.CHILD_MODULES}
    assert all(os.path.isfile(os.path.join(HERE, name)) for name in isolation.CHILD_FILES)


def test_child_side_files_import_the_standard_library_and_each_other_only():
    own = set(runner.CHILD_MODULES)
    for name in isolation.CHILD_FILES:
        for module in imported(os.path.join(HERE, name)):
            top = module.split(".")[0]
            if module.startswith("checks.grading."):
                assert module.rsplit(".", 1)[1] in own, f"{name} imports {module}, which the child cannot see"
            else:
                assert top in sys.stdlib_module_names or top in own, f"{name} imports {module}, not the standard " \
                                                                     "library"


def test_a_child_module_imports_another_only_after_the_runner_loads_it():
    order = list(runner.CHILD_MODULES)
    for position, name in enumerate(order):
        uses = {m for m in imported(os.path.join(HERE, f"{name}.py")) if m in order}
        assert all(order.index(m) < position for m in uses), f"{name} uses {uses} before the runner loads them"


def test_the_runner_loads_as_a_script_with_nothing_but_its_own_folder(tmp_path):
    """What the child does first, in a copy of the child-side files alone: no checks package anywhere near."""
    for name in isolation.CHILD_FILES:
        (tmp_path / name).write_bytes(open(os.path.join(HERE, name), "rb").read())
    code = ("import runpy, sys; g = runpy.run_path(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.startswith(('checks', 'reference', 'child_'))))")
    done = subprocess.run([sys.executable, "-I", "-c", code, str(tmp_path / "runner.py")], capture_output=True,
                          text=True, cwd=tmp_path, check=True)
    assert done.stdout.strip() == str(sorted(runner.CHILD_MODULES))
