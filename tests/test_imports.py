"""The modules of checks/ import each other without a circle: each can be read, and imported, before its users."""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def module_names(package="checks"):
    """{dotted name: path} of every module of a package, subpackages included."""
    found = {}
    for folder, _, files in os.walk(os.path.join(ROOT, package)):
        for file in files:
            if file.endswith(".py"):
                parts = os.path.relpath(os.path.join(folder, file), ROOT)[:-3].split(os.sep)
                found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = os.path.join(folder, file)
    return found


def imports(path, modules):
    """The modules of checks/ that a module imports at its top level (imports inside functions run later)."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & set(modules)
            found.update(submodules)
            if node.module in modules and len(submodules) < len(node.names):  # a name defined in the module itself
                found.add(node.module)
    return found


def circle(graph):
    """One circle of imports, as a list of modules, or None."""
    state = {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return path[path.index(other):] + [other]
            if other not in state:
                found = visit(other, path + [other])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


def test_no_module_of_checks_imports_itself_through_others():
    modules = module_names()
    graph = {name: imports(path, modules) - {name} for name, path in modules.items()}
    assert circle(graph) is None


def test_a_circle_is_found():
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": set()}) is None


def test_the_baseline_does_not_import_the_declarations():
    modules = module_names()
    assert "checks.components" not in imports(modules["checks.baseline"], modules)
