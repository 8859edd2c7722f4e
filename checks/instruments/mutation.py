"""python -m checks.instruments.mutation: the gate that reads a mutmut run and says whether the checks caught the mutants.

Scope: make mutation mutates the components (every module of reference/ that
defines a name in reference.__all__) and the numeric helpers they compute
with (tensor, parameters, minibatches, recurrence): the code the checks validate. The
training application (reference/trainer/ and reference/__main__.py) is out of scope: they are output
formatting, file handling and argument parsing, covered by tests/, not by the
checks. pyproject.toml's [tool.mutmut] only_mutate lists the in-scope files;
within them nothing is excluded from mutation.

The gate fails when
- a mutant of gradient code survives, or got any verdict but killed or
  timeout (gradient code: every backward and optimizer step, and the
  weight-decay gradient and add);
- a gradient function, or an in-scope module, got no mutants at all (mutmut
  silently skips decorated methods);
- a survivor (or a mutant no test reached) outside gradient code is not
  explained in checks/instruments/equivalent_mutants.txt, or an entry there matches no
  survivor any more (stale);
- a mutant got no verdict (suspicious, skipped, not checked, segfault).
It prints a table per component and writes the same as JSON. The scope and the
gradient functions are found by checks/instruments/mutation_scope.py, the run is
read back by checks/instruments/mutants.py, and the reviewed file is parsed by
checks/instruments/equivalent_mutants.py.
"""
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from checks.cli import Parser
from checks.instruments.equivalent_mutants import EXPLAINED_FILE, ExplanationError, parse_explanations
from checks.instruments.mutants import (MutantSources, changed_lines, component_of, mutmut_results, parse_results,
                                        qualified_name)
from checks.instruments.mutation_scope import gradient_functions, in_scope_modules

ROOT = Path(__file__).resolve().parents[2]
KILLED = ("killed", "timeout", "caught by type check")
EXPLAINABLE = ("survived", "no tests")  # outside gradient code these pass when checks/instruments/equivalent_mutants.txt says why
# "other": no verdict (suspicious, skipped, not checked, segfault); "explained": survivors and untested mutants
# that checks/instruments/equivalent_mutants.txt explains (counted in "survived" or "no tests" too)
COLUMNS = ("mutants", "killed", "survived", "timed out", "no tests", "other", "explained")


# The verdict -------------------------------------------------------------------------------------------------

@dataclass
class Failure:
    mutant: str  # the mutant's name, or "" for a failure that is not about one mutant
    message: str
    diff: str = ""
    explainable: bool = False  # an entry in checks/instruments/equivalent_mutants.txt would settle it


@dataclass
class Verdict:
    rows: dict  # component -> {column: count}
    gradient: dict  # qualified gradient function -> {"mutants": n, "killed": k}
    failures: list = field(default_factory=list)
    explained: list = field(default_factory=list)  # (mutant, Explanation)

    @property
    def passed(self):
        return not self.failures


def evaluate(statuses, diffs, gradient, explanations, modules=()):
    """statuses {mutant: status}, diffs(mutant) -> diff text, gradient [qualified names], explanations -> Verdict."""
    verdict = Verdict({m: dict.fromkeys(COLUMNS, 0) for m in modules}, {g: {"mutants": 0, "killed": 0}
                                                                          for g in gradient})
    for mutant, status in sorted(statuses.items(), key=lambda item: _order(item[0])):
        _count(verdict.rows.setdefault(component_of(mutant), dict.fromkeys(COLUMNS, 0)), status)
        function = qualified_name(mutant)
        if function in verdict.gradient:
            verdict.gradient[function]["mutants"] += 1
            verdict.gradient[function]["killed"] += status in KILLED
        if status not in KILLED:
            _judge(verdict, mutant, status, diffs(mutant), explanations)
    verdict.failures += _gaps(verdict, modules, explanations)
    return verdict


def _judge(verdict, mutant, status, diff, explanations):
    """A mutant that was not killed: a failure in gradient code, else explained or a failure."""
    function = qualified_name(mutant)
    if function in verdict.gradient:
        verdict.failures.append(Failure(mutant, f"{function}: mutant {mutant} {_said(status)}; every mutant of "
                                                f"gradient code must be killed", diff))
        return
    if status not in EXPLAINABLE:
        verdict.failures.append(Failure(mutant, f"{function}: mutant {mutant} got no verdict ({status}); "
                                                f"rerun make mutation", diff))
        return
    entry = next((e for e in explanations if e.matches(function, *changed_lines(diff))), None)
    if entry is None:
        verdict.failures.append(Failure(mutant, f"{function}: mutant {mutant} {_said(status)} and is not "
                                                f"explained in {EXPLAINED_FILE}", diff, explainable=True))
        return
    entry.used = True
    verdict.explained.append((mutant, entry))
    verdict.rows[component_of(mutant)]["explained"] += 1


def _gaps(verdict, modules, explanations):
    """Gradient functions and in-scope modules without mutants, and entries that match no survivor."""
    found = [Failure("", f"{function}: gradient code got no mutants (is it decorated, renamed, or missing "
                         f"from [tool.mutmut] only_mutate?)")
             for function, counts in verdict.gradient.items() if not counts["mutants"]]
    found += [Failure("", f"reference/{module}.py is in scope but got no mutants; list it in [tool.mutmut] "
                          f"only_mutate in pyproject.toml")
              for module in modules if not verdict.rows[module]["mutants"]]
    found += [Failure("", f"{EXPLAINED_FILE}:{entry.line}: stale entry for {entry.function} "
                          f"({' / '.join(entry.removed)}): no surviving mutant matches it any more; delete it")
              for entry in explanations if not entry.used]
    return found


def _order(mutant):
    stem, _, number = mutant.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def _said(status):
    if status == "no tests":
        return "was reached by no test"
    return "survived" if status == "survived" else f"got '{status}'"


def _count(row, status):
    row["mutants"] += 1
    column = {"killed": "killed", "caught by type check": "killed", "survived": "survived", "timeout": "timed out",
              "no tests": "no tests"}.get(status, "other")
    row[column] += 1


# Output ------------------------------------------------------------------------------------------------------

def table(verdict):
    """One aligned row per component, then a total row."""
    total = {c: sum(row[c] for row in verdict.rows.values()) for c in COLUMNS}
    rows = [["component", *COLUMNS]] + [[name, *map(str, row.values())] for name, row in sorted(verdict.rows.items())]
    rows.append(["total", *(str(total[c]) for c in COLUMNS)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    return "\n".join(lines)


def gradient_line(verdict):
    mutants = sum(c["mutants"] for c in verdict.gradient.values())
    killed = sum(c["killed"] for c in verdict.gradient.values())
    share = f"{math.floor(1000 * killed / mutants) / 10:g}%" if mutants else "n/a"  # rounded down: 100% means all
    return f"gradient code: {killed} of {mutants} mutants killed ({share}) in {len(verdict.gradient)} functions"


def report(verdict):
    """The JSON document: the table, the gradient functions, the explained survivors and the failures."""
    return {
        "passed": verdict.passed,
        "components": verdict.rows,
        "total": {c: sum(row[c] for row in verdict.rows.values()) for c in COLUMNS},
        "gradient_functions": verdict.gradient,
        "explained": [{"mutant": m, "function": e.function, "line": list(e.removed), "mutated": list(e.added),
                       "why": e.reason} for m, e in verdict.explained],
        "failures": [{"mutant": f.mutant, "message": f.message, "diff": f.diff} for f in verdict.failures],
    }


def render(verdict):
    """The text the gate prints: the table, the gradient line, then each failure with its diff."""
    lines = [table(verdict), "", gradient_line(verdict),
             f"explained survivors ({EXPLAINED_FILE}): {len(verdict.explained)}"]
    for failure in verdict.failures:
        lines += ["", f"FAIL {failure.message}"]
        if failure.diff:
            lines += ["    " + line for line in failure.diff.splitlines()]
            if failure.explainable:
                removed, added = changed_lines(failure.diff)
                lines += [f"  kill it with a sharper check; or, if no check can observe it, explain it in "
                          f"{EXPLAINED_FILE}:", f"    {qualified_name(failure.mutant)}"]
                lines += [f"    - {r}" for r in removed] + [f"    + {a}" for a in added] + ["    why: ..."]
    verdict_line = "PASS" if verdict.passed else f"FAIL: {len(verdict.failures)} problem(s) above"
    lines += ["", f"make mutation: {verdict_line}"]
    return "\n".join(lines)


def main(argv=None, out=print):
    parser = Parser(prog="python -m checks.instruments.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--results", help="a saved `mutmut results --all true` (default: run it)")
    parser.add_argument("--root", default=str(ROOT), help="the project root (holding reference/ and mutants/)")
    parser.add_argument("--explained", help=f"the reviewed file (default: ROOT/{EXPLAINED_FILE})")
    parser.add_argument("--json", help="where to write the report (default: ROOT/mutants/mutation-report.json)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        text = Path(args.results).read_text(encoding="utf-8") if args.results else mutmut_results(root)
    except (OSError, RuntimeError) as e:
        out(f"make mutation: FAIL: cannot read the results of the run: {e}")
        return 1
    statuses = parse_results(text)
    if not statuses:
        out("make mutation: FAIL: mutmut reported no mutants; run `mutmut run` first")
        return 1
    explained_path = Path(args.explained) if args.explained else root / EXPLAINED_FILE
    try:
        explanations = parse_explanations(explained_path.read_text(encoding="utf-8") if explained_path.exists()
                                          else "", str(explained_path))
    except ExplanationError as e:
        out(f"make mutation: FAIL: {e}")
        return 1
    reference_dir = root / "reference"
    verdict = evaluate(statuses, MutantSources(root / "mutants").diff, gradient_functions(reference_dir),
                       explanations, in_scope_modules(reference_dir))
    out(render(verdict))
    json_path = Path(args.json) if args.json else root / "mutants" / "mutation-report.json"
    os.makedirs(json_path.parent, exist_ok=True)
    json_path.write_text(json.dumps(report(verdict), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
