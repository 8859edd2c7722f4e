"""Grade one submission: find its class, run it in an isolated child, run the checks on proxies, score them.

grade(path, component=None, rubric=None, limits=None, seed=None) -> Report. path is a
.py file, or a folder whose .py files are copied together (the file that
defines the class is the one imported). Without a component, the class name
picks it (Dense, ReLU, SoftmaxCrossEntropy, ...; case does not matter). A
course step (step=Step from steps.py) picks the component, the rubric and
the properties that step teaches. The seed draws the shapes and constructor
arguments the checks use (checks/grading/draws.py); without one, a grading
draws its own, and the report records it: the same seed gives the same
grade. Failures of the submission never raise: they are the report's status.
isolated=False imports the file in this process (local.py): for tests and
notebooks, where isolation is not the point.
"""
import ast
import os
import random
import time

from checks.components import COMPONENTS
from checks.grading import GRADABLE, IN_PROCESS_ONLY, NETWORKS, checklist, rubric as rubrics
from checks.grading.agreement import error_text
from checks.grading.context import Context, Verdict
from checks.grading.limits import Limits
from checks.grading.local import Local
from checks.grading.places import places
from checks.grading.process import Child, Gone
from checks.grading.remote import Remote, SubmissionError
from checks.grading.report import FAILED, NOT_RUN, PASSED, CheckResult, Report, not_run
from checks.grading.samples import library_source

CLASSES = {COMPONENTS[name].class_name: name for name in GRADABLE}
PARSED = 1 << 20  # bytes of a file the grader parses to find its classes; larger files are only run
GONE = {"timeout": "the submission timed out", "memory-limit": "the submission hit the memory limit",
        "crashed": "the submission's process crashed"}


class NotGradable(ValueError):
    """A path or component the grader cannot take (a usage error, not a property of the submission)."""


def grade(path, component=None, rubric=None, limits=None, private=(), step=None, seed=None, isolated=True):
    """Grade the submission at path; -> Report. private: more folders the submission may not read; step: a course
    step, which sets the component, the default rubric and the properties graded; seed: what the checks draw."""
    chosen = None
    if step is not None:
        component, chosen, rubric = step.component, step.properties, rubric or step.full_rubric
    if component is not None and component not in GRADABLE:
        raise NotGradable(f"unknown component '{component}'; components are: {', '.join(GRADABLE)}")
    rubric, limits, start = rubric or dict(rubrics.DEFAULT), limits or Limits(), time.monotonic()
    seed = new_seed() if seed is None else seed
    files, main = locate(path, component)
    report = Report(os.path.basename(os.path.abspath(path)), component, step=step and step.number, seed=seed)
    if not isolated:
        run(report, Local(), files[main], rubric, limits, chosen)
        report.seconds = time.monotonic() - start
        return report
    library = library_source() if network(component, files[main]) else None
    try:
        child = Child(files, limits, places(path, private), library)
    except OSError as e:  # no process could be started (out of processes, an unreadable file)
        stop(report, rubric, checks_for(rubric, component), "crashed",
             f"the grader could not start the submission's process: {e}")
        report.seconds = time.monotonic() - start
        return report
    try:
        run(report, Remote(child), child.files[main], rubric, limits, chosen)
    finally:
        report.output = child.close()
    report.refused = list(child.refusals)
    report.seconds = time.monotonic() - start
    return report


def new_seed():
    """A fresh seed for a grading that was given none (six digits, easy to pass back as --seed)."""
    return random.SystemRandom().randrange(100000, 1000000)


def checks_for(rubric, component):
    """The checks with points in rubric that apply to the component (all of them while it is unknown)."""
    known = COMPONENTS.get(component) if component else None
    return [n for n in checklist.CHECKS if rubric.get(n) and checklist.applies(n, known)]


def network(component, main):
    """Whether the submission is a network, whose layers the child builds from the grader's library."""
    if component is not None:
        return component in NETWORKS
    return any(COMPONENTS[n].class_name.lower() in top_classes(main) for n in NETWORKS)


def locate(path, component):
    """(the .py files to copy, the index of the one to import) for a file or a folder."""
    if os.path.isfile(path):
        return [path], 0
    if not os.path.isdir(path):
        raise NotGradable(f"{path}: no such file or folder")
    files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".py") and not f.startswith("."))
    if not files:
        raise NotGradable(f"{path}: the folder holds no .py file")
    wanted = {c.lower() for c, n in CLASSES.items() if component in (None, n)}
    return files, next((i for i, f in enumerate(files) if wanted & set(top_classes(f))), 0)


def top_classes(path):
    """The lower-cased names a file binds at top level by class statements and assignments (parsed, never run)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            tree = ast.parse(f.read(PARSED + 1), path)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return []
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    names += [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
              if isinstance(t, ast.Name)]
    return [name.lower() for name in names]


def run(report, remote, file, rubric, limits, chosen=None):
    """Load the file, pick the class, and run every check that has points; fills report. chosen: the properties
    a course step grades (None: all)."""
    names = checks_for(rubric, report.component)
    try:
        classes, defined = remote.load(file)
    except SubmissionError as e:
        return stop(report, rubric, names, *load_failure(e))
    except Gone as gone:
        return stop(report, rubric, names, gone.status, gone.message)
    class_name, component, note = pick(classes, defined, report.component)
    if class_name is None:
        return stop(report, rubric, names, "missing-class", note)
    if component in IN_PROCESS_ONLY and not isinstance(remote, Local):
        raise NotGradable(f"{component} is graded in the grader's own process only (isolated=False, for trusted "
                          "files): its checks set the layer's mode and hold its generator, which the isolated child "
                          "does not pass on")
    report.component, names = component, checks_for(rubric, component)
    ctx = Context(COMPONENTS[component], remote.implementation(class_name, COMPONENTS[component].kind),
                            limits.examples, limits.epochs, chosen, report.seed)
    report.variants = [v.described for v in ctx.variants]
    verdicts = {}
    for i, name in enumerate(names):
        why = checklist.not_counted(name, verdicts, ctx.component)
        if why:
            report.checks.append(CheckResult(name, NOT_RUN, 0, rubric[name], why))
            continue
        raised_before = remote.not_implemented_raised
        try:
            verdict = checklist.CHECKS[name](ctx)
        except Gone as gone:
            report.status, report.message = gone.status, gone.message
            report.checks.append(CheckResult(name, FAILED, 0, rubric[name], gone.message))
            report.checks += not_run(rubric, names[i + 1:], GONE[gone.status])
            return None
        except Exception as e:  # a value the checkers could not take; the check fails, the grader goes on
            verdict = Verdict(False, f"the check could not finish: {error_text(e)}")
        if not verdict.passed and remote.not_implemented_raised > raised_before:
            verdict = unfinished(verdict, remote)
        verdicts[name] = verdict
        report.checks.append(result(name, verdict, rubric[name]))
    report.degenerate = list(dict.fromkeys(ctx.degenerate))
    report.message = summary(report, remote, note)
    return None


def unfinished(verdict, remote):
    """A check that failed on a method still raising NotImplementedError: one line saying so, not its traceback."""
    methods = " and ".join(remote.not_implemented)
    return Verdict(False, f"not implemented yet: {methods} raises NotImplementedError")


def result(name, verdict, max_score):
    score = rubrics.points(max_score, verdict.passed, verdict.fraction)
    return CheckResult(name, PASSED if verdict.passed else FAILED, score, max_score, verdict.message,
                       None if verdict.passed else verdict.diagnosis, None if verdict.passed else verdict.reread)


def stop(report, rubric, names, status, message):
    """A submission that could not be graded: its status, its message, and every check not run."""
    report.status, report.message = status, message
    report.checks = not_run(rubric, names, message)


def load_failure(e):
    """(status, message) for an exception raised while importing the file."""
    where = f"line {e.line}: " if e.line else ""
    name = type(e).__name__
    if name in ("SyntaxError", "IndentationError", "TabError"):
        return "syntax-error", f"{where}{e} ({name}); the file must be valid Python before it can be graded"
    if e.refused:
        hint = "; write the class yourself" if " import reference" in e.refused or " import checks" in e.refused \
            else ""
        return "import-error", f"{where}importing the file was refused: {e.refused}{hint}"
    if name == "SystemExit":
        return "import-error", f"{where}the file calls sys.exit while being imported ({e}); a submission only " \
                               "defines its class"
    return "import-error", f"{where}importing the file raised {name}: {e}"


def pick(classes, defined, component):
    """(class name, component, note) from the file's classes (all, and its own); class name None if none fits."""
    lower = {c.lower(): c for c in reversed(classes)}
    listing = f"it defines {', '.join(defined)}" if defined else "it defines no class"
    if component is not None:
        wanted = COMPONENTS[component].class_name
        if wanted.lower() in lower:
            return lower[wanted.lower()], component, ""
        other = CLASSES.get(next((c for c in CLASSES if len(defined) == 1 and c.lower() == defined[0].lower()), ""))
        if other:
            return None, component, (f"the file defines {defined[0]}, the class of {other}, but {component} is "
                                     f"graded here, whose class is {wanted}: is it the right file?")
        if len(defined) == 1:
            return defined[0], component, f"graded class {defined[0]} as {wanted}"
        return None, component, f"the file defines no class {wanted} ({listing}); name the class {wanted}"
    known = {cls.lower(): n for cls, n in CLASSES.items()}
    found = [c for c in classes if c.lower() in known]
    if len({known[c.lower()] for c in found}) > 1:
        return None, None, (f"the file defines several gradable classes ({', '.join(found)}); pass --component to "
                            f"say which one to grade")
    if found:
        return found[0], known[found[0].lower()], ""
    return None, None, (f"the file defines none of the classes {', '.join(CLASSES)} ({listing}); name the class "
                        f"after the component, or pass --component")


def summary(report, remote, note):
    """The one-line message of a graded submission."""
    if remote.not_implemented:
        what = remote.not_implemented[0]
        return (f"not implemented yet: {what} raises NotImplementedError; start with specs/{report.component}.md"
                + (f" ({note})" if note else ""))
    passed = sum(c.status == PASSED for c in report.checks)
    text = "every check passed" if passed == len(report.checks) else f"{passed} of {len(report.checks)} checks passed"
    return text + (f" ({note})" if note else "")

