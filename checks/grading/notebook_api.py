"""Grade a class defined in a notebook cell: `from checks import grade; grade(MyDense, step=7)`.

The class goes through the same isolated grader as a file: its source, and
the source of what it uses, is written to a temporary .py file, graded in a
child process (grade.py), and the report comes back as an object that a
notebook shows as HTML (_repr_html_) and a terminal as text (str, repr).

Finding the source: inspect.getsource fails for classes defined in
notebooks (their module has no file), but their methods keep the name of the
cell they were written in, and IPython keeps every cell's text in linecache.
So the class statement is found in the text of the cell that holds its first
method. What the class uses from the notebook comes along: modules (as
imports), functions and classes defined there (their source), and numbers and
strings (as assignments). Where no source was kept (`python -c`, the plain
REPL) the grader says so in one line. No Jupyter dependency.
"""
import ast
import html
import inspect
import linecache
import os
import tempfile
import textwrap
import types

from checks.grading import GRADABLE
from checks.components import COMPONENTS

SIMPLE = (int, float, complex, str, bytes, bool, type(None))


class SourceError(ValueError):
    """A class whose source cannot be recovered, or a request that breaks a rule; one line."""


def grade(cls, step=None, component=None, seed=None, rubric=None, limits=None):
    """Grade class cls as the component of a course step (step=N) or as a component (component="dense").

    -> Report: str() is the text report, a notebook shows it as HTML."""
    from checks.grading.grade import grade as grade_file
    from checks.grading.steps import STEPS
    if not inspect.isclass(cls):
        raise SourceError(f"grade takes the class itself (e.g. grade(MyDense, step=7)), got {type(cls).__name__}")
    if step is not None and step not in STEPS:
        raise SourceError(f"step must be one of the course's steps, 1 to {max(STEPS)}, got {step!r}")
    if step is not None and component is not None:
        raise SourceError("give step=N or component=NAME, not both")
    component = STEPS[step].component if step is not None else component or component_of(cls)
    if component not in GRADABLE:
        raise SourceError(f"unknown component {component!r}; components are: {', '.join(GRADABLE)}")
    source = module_source(cls, COMPONENTS[component].class_name)
    with tempfile.TemporaryDirectory(prefix="nnref-notebook-") as folder:
        path = os.path.join(folder, f"{cls.__name__.lower()}.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        report = grade_file(path, component, rubric, limits, step=STEPS.get(step), seed=seed)
    report.file = cls.__name__
    return Report(report, source)


def component_of(cls):
    """The component whose class has cls's name (case aside); SourceError when none has."""
    for name in GRADABLE:
        if COMPONENTS[name].class_name.lower() == cls.__name__.lower():
            return name
    raise SourceError(f"say what {cls.__name__} is: grade({cls.__name__}, step=N) for a step of the course, or "
                      f"grade({cls.__name__}, component=NAME) with NAME one of {', '.join(GRADABLE)}")


def functions_of(cls):
    """The functions written in the class body (methods, static and class methods, properties)."""
    found = []
    for value in vars(cls).values():
        for f in (getattr(value, "__func__", None), getattr(value, "fget", None), getattr(value, "fset", None), value):
            if isinstance(f, types.FunctionType) and f.__qualname__.startswith(cls.__qualname__ + "."):
                found.append(f)
                break
    return found


def class_source(cls):
    """The class statement of cls, dedented, from the file or notebook cell that holds its methods."""
    functions = functions_of(cls)
    if not functions:
        raise SourceError(f"{cls.__name__} has no methods written in Python, so its source cannot be found")
    code = functions[0].__code__
    lines = linecache.getlines(code.co_filename)
    if not lines:
        raise SourceError(f"the source of {cls.__name__} was not kept ({code.co_filename}): define it in a notebook "
                          f"cell or a .py file, or grade a file with python3 -m checks grade FILE")
    nodes = [n for n in ast.walk(ast.parse("".join(lines))) if isinstance(n, ast.ClassDef) and n.name == cls.__name__
             and n.lineno <= code.co_firstlineno <= n.end_lineno]
    if not nodes:
        raise SourceError(f"the class statement of {cls.__name__} is not in {code.co_filename} any more: run its "
                          f"cell again, then grade")
    node = min(nodes, key=lambda n: n.end_lineno - n.lineno)
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return textwrap.dedent("".join(lines[start - 1:node.end_lineno]))


def function_source(f):
    """The def statement of a function, dedented, from the file or notebook cell it was written in."""
    try:
        return textwrap.dedent(inspect.getsource(f))
    except (OSError, TypeError):
        raise SourceError(f"the source of {f.__name__} was not kept ({f.__code__.co_filename}): define it in a "
                          f"notebook cell or a .py file") from None


def names_used(code):
    """The global names a code object (and the functions nested in it) may read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= names_used(const)
    return names


def module_source(cls, class_name):
    """A module that defines cls as it was written, with what it uses, and binds class_name to it."""
    imports, assignments, definitions, seen = [], [], [], set()

    def add(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        own = class_source(obj) if inspect.isclass(obj) else function_source(obj)  # first: its error comes first
        functions = functions_of(obj) if inspect.isclass(obj) else [obj]
        for base in (obj.__bases__ if inspect.isclass(obj) else ()):
            if base.__module__ == cls.__module__:
                add(base)
        namespace = functions[0].__globals__ if functions else {}
        for name in sorted(set().union(*(names_used(f.__code__) for f in functions))):
            if name in namespace:
                use(name, namespace[name])
        definitions.append(own)  # after what it uses

    def use(name, value):
        if inspect.ismodule(value):
            imports.append(f"import {value.__name__}" + (f" as {name}" if name != value.__name__ else ""))
        elif getattr(value, "__module__", None) == cls.__module__ and (inspect.isclass(value)
                                                                       or inspect.isfunction(value)):
            add(value)
        elif callable(value) and hasattr(value, "__name__") and getattr(value, "__module__", None) not in (
                None, "builtins"):
            imports.append(f"from {value.__module__} import {value.__name__}"
                           + (f" as {name}" if name != value.__name__ else ""))
        elif isinstance(value, SIMPLE) or (isinstance(value, tuple) and all(isinstance(v, SIMPLE) for v in value)):
            assignments.append(f"{name} = {value!r}")

    add(cls)
    alias = [f"{class_name} = {cls.__name__}"] if class_name != cls.__name__ else []
    parts = [f'"""{cls.__name__}, from a notebook, with what it uses."""', "\n".join(dict.fromkeys(imports)),
             "\n".join(dict.fromkeys(assignments)), *definitions, "\n".join(alias)]
    return "\n\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


class Report:
    """A graded class: str() gives the text report, a notebook shows HTML; .report has every field."""

    def __init__(self, report, source):
        self.report, self.source = report, source

    def __getattr__(self, name):
        if name == "report":
            raise AttributeError(name)
        return getattr(self.report, name)

    def __str__(self):
        from checks.grading import formats
        return formats.render(self.report, "text")

    __repr__ = __str__

    def _repr_html_(self):
        r = self.report
        who = f"step {r.step} ({r.component})" if r.step is not None else (r.component or "no component")
        rows = "".join(check_row(c) for c in r.checks)
        seed = f"<p>Seed {r.seed}: grade(..., seed={r.seed}) grades again with the same draw.</p>" \
            if r.seed is not None else ""
        return (f"<div><p><strong>{esc(r.file)}</strong>: {esc(who)}, <strong>{r.score:g} / {r.max_score:g}"
                f"</strong> points ({esc(r.status)})</p><p>{esc(r.message)}</p>"
                f"<table><thead><tr><th>check</th><th>result</th><th>points</th><th>what the grader found</th></tr>"
                f"</thead><tbody>{rows}</tbody></table>{seed}"
                + (f"<p>{esc(r.isolation)}</p>" if r.isolation else "") + "</div>")


COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "not-run": "#6e7781"}


def check_row(c):
    found = esc(c.message) + (f"<br>Reread {esc(c.reread)}." if c.reread and c.status != "passed" else "")
    return (f"<tr><td>{esc(c.name)}</td><td style=\"color: {COLOURS.get(c.status, 'inherit')}\">{esc(c.status)}</td>"
            f"<td>{c.score:g}/{c.max_score:g}</td><td><pre style=\"white-space: pre-wrap; margin: 0\">{found}</pre>"
            f"</td></tr>")


def esc(text):
    return html.escape(str(text or ""))
