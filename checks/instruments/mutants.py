"""A mutmut run read back: each mutant's name, its verdict, and its diff against the original function.

mutmut names a mutant after the function it changes: "reference.relu.xǁReLUǁbackward__mutmut_3" is the third
mutant of ReLU.backward in reference/relu.py, and the mutated copy of that file is in mutants/reference/relu.py.
"""
import ast
import difflib
import subprocess
import sys
from pathlib import Path


def parse_results(text):
    """`mutmut results --all true` -> {mutant name: status}.

    Its lines look like "    reference.relu.xǁReLUǁbackward__mutmut_3: killed".
    """
    statuses = {}
    for line in text.splitlines():
        name, sep, status = line.strip().partition(": ")
        if sep and "__mutmut_" in name:
            statuses[name] = status.strip()
    return statuses


def split_name(mutant):
    """"reference.relu.xǁReLUǁbackward__mutmut_3" -> ("reference.relu", "ReLU.backward", "xǁReLUǁbackward")."""
    stem = mutant.rpartition("__mutmut_")[0]
    module, _, mangled = stem.rpartition(".")
    if mangled.startswith("xǁ"):
        function = ".".join(mangled[2:].split("ǁ"))
    else:
        function = mangled[2:] if mangled.startswith("x_") else mangled
    return module, function, mangled


def qualified_name(mutant):
    module, function, _ = split_name(mutant)
    return f"{module}.{function}"


def component_of(mutant):
    """"reference.relu.xǁReLUǁbackward__mutmut_3" -> "relu"."""
    return split_name(mutant)[0].rsplit(".", 1)[-1]


class MutantSources:
    """mutant name -> its unified diff against the original function, read from the files mutmut wrote."""

    def __init__(self, mutants_dir):
        self.mutants_dir = Path(mutants_dir)
        self.functions = {}  # module path -> {function name: source lines}

    def _functions(self, module):
        path = self.mutants_dir / (module.replace(".", "/") + ".py")
        if path not in self.functions:
            lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            found = {}
            for node in ast.walk(ast.parse("\n".join(lines))) if lines else []:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
                    body = lines[node.lineno - 1:node.end_lineno]
                    indent = len(body[0]) - len(body[0].lstrip())
                    found[node.name] = [line[indent:] for line in body]
            self.functions[path] = found
        return self.functions[path]

    def diff(self, mutant):
        module, _, mangled = split_name(mutant)
        functions = self._functions(module)
        name = mutant.rpartition(".")[2]
        original, mutated = functions.get(f"{mangled}__mutmut_orig"), functions.get(name)
        if original is None or mutated is None:
            return ""
        plain = mangled.split("ǁ")[-1] if mangled.startswith("xǁ") else mangled[2:]
        unmangle = (lambda lines, old: [lines[0].replace(old, plain, 1)] + lines[1:])
        path = module.replace(".", "/") + ".py"
        return "\n".join(difflib.unified_diff(unmangle(original, f"{mangled}__mutmut_orig"), unmangle(mutated, name),
                                              path, path, lineterm=""))


def changed_lines(diff):
    """The diff's removed and added lines, stripped: the key of an explanation."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return tuple(removed), tuple(added)


def mutmut_results(root):
    """The text of `mutmut results --all true`, run in root."""
    done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=root,
                          capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"mutmut results failed: {done.stderr.strip()}")
    return done.stdout
