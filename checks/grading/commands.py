"""The grading commands of `python3 -m checks`: grade, grade-all, gradescope-bundle, template.

Each may name a component (--component NAME) or a step of the course
(--step N, checks/grading/steps.py), not both.

Each takes the parsed arguments and returns the exit code. A usage error
(a missing file, an unknown component, a bad rubric or limit) raises
UsageError with a one-line message; checks/__main__.py prints it, exit 2.
`template` never overwrites a file unless told to (--force): a learner's
work may be in it.
"""
import os
import sys

from checks.grading import GRADABLE, formats, limits as limit_rules, rubric as rubrics
from checks.grading.exports import PLATFORMS
from checks.grading.steps import STEPS


class UsageError(Exception):
    """A command line that breaks a rule; one line, exit code 2."""


def add_choice(p, required=False, component_help="the component (default: from the class name): "):
    """--component NAME or --step N, one at most (one exactly when required)."""
    which = p.add_mutually_exclusive_group(required=required)
    which.add_argument("--component", choices=GRADABLE, metavar="NAME", help=component_help + ", ".join(GRADABLE))
    which.add_argument("--step", type=int, choices=sorted(STEPS), metavar="N",
                       help=f"a step of the course (specs/course.md, 1 to {max(STEPS)}): its component and the checks "
                            "it teaches")


def add_grading_options(p):
    """The options grade and grade-all share."""
    add_choice(p)
    p.add_argument("--rubric", metavar="FILE", help="a JSON file, check name -> points, over the defaults")
    p.add_argument("--timeout", type=float, default=limit_rules.Limits.total, metavar="SECONDS",
                   help="wall-clock limit per submission (default %(default)g)")
    p.add_argument("--call-timeout", type=float, default=limit_rules.Limits.call, metavar="SECONDS",
                   help="wall-clock limit per call of the submission (default %(default)g)")
    p.add_argument("--memory", type=int, default=limit_rules.Limits.memory >> 20, metavar="MIB",
                   help="address-space limit of the submission's process (default %(default)d)")
    p.add_argument("--examples", type=int, default=limit_rules.Limits.examples, metavar="N",
                   help="hypothesis examples per property (default %(default)d)")
    p.add_argument("--epochs", type=int, default=limit_rules.Limits.epochs, metavar="N",
                   help="training epochs of the baseline model (default %(default)d)")
    p.add_argument("--seed", type=int, metavar="N",
                   help="draw the checks' shapes and arguments from N (default: a new seed per grading, shown "
                        "in the report; the same seed gives the same grade)")


def load_rubric(path, step=None):
    """The rubric of --rubric over the defaults (a step's own rubric with --step); UsageError for a bad file."""
    base = STEPS[step].full_rubric if step else dict(rubrics.DEFAULT)
    try:
        return rubrics.load(path, base) if path else base
    except rubrics.RubricError as e:
        raise UsageError(str(e)) from None


def settings(args):
    """(rubric, limits) from the options; UsageError for either that breaks a rule."""
    rubric = load_rubric(args.rubric, args.step)
    limits = limit_rules.Limits(call=args.call_timeout, load=max(limit_rules.Limits.load, args.call_timeout),
                                total=args.timeout, memory=args.memory << 20, examples=args.examples,
                                epochs=args.epochs)
    problem = limit_rules.check(limits)
    if problem:
        raise UsageError(problem)
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a whole number >= 0, got {args.seed}")
    return rubric, limits


def grade(args):
    """grade FILE: print (or write) the report; exit 0 when every check passed, else 1."""
    if not os.path.exists(args.file):
        raise UsageError(f"{args.file}: no such file or folder")
    rubric, limits = settings(args)
    from checks.grading.grade import NotGradable
    from checks.grading.notebooks import NotebookError, grade as grade_one
    private = (os.path.dirname(os.path.abspath(args.out)),) if args.out else ()
    try:
        report = grade_one(args.file, args.component, rubric, limits, private, STEPS.get(args.step), args.seed)
    except (NotGradable, NotebookError) as e:
        raise UsageError(str(e)) from None
    content = formats.render(report, args.format)
    if args.out:
        write(args.out, content)
        print(f"{report.file}: {report.score:g}/{report.max_score:g} points ({report.status}); report in {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(content)
    return 0 if report.passed else 1


def grade_all(args):
    """grade-all DIR: the gradebook, the class summary and one report per submission; exit 0 when the batch
    completed, whatever the scores."""
    from checks.grading.grade_all import grade_all as run, isolation_problem, submissions
    from checks.grading.gradebook import Course
    if not os.path.isdir(args.folder):
        raise UsageError(f"{args.folder}: no such folder")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    rubric, limits = settings(args)
    out = args.out or os.path.abspath(args.folder).rstrip(os.sep) + "-grades"
    found = [name for name, _ in submissions(args.folder, out)]
    if not found:
        raise UsageError(f"{args.folder}: no submissions (files or subfolders) in it")
    only, students = chosen(args.only, found, args.folder), course(args, Course)
    problem = isolation_problem(args.allow_reduced_isolation)  # last: every mistake on the command line comes first
    if problem:
        raise UsageError(problem)
    try:
        run(args.folder, out, args.jobs, args.component, rubric, limits, step=STEPS.get(args.step), seed=args.seed,
            only=only, course=students)
    except OSError as e:
        raise UsageError(f"cannot write the reports to {out}: {e.strerror or e}") from None
    return 0


def chosen(only, found, folder):
    """The submissions --only names (None without it); UsageError for a name that is no submission in folder."""
    if only is None:
        return None
    names = [os.path.basename(n.rstrip("/" + os.sep)) for n in only]
    unknown = [n for n in names if n not in found]
    if unknown:
        raise UsageError(f"--only {unknown[0]}: no submission of that name in {folder}")
    return set(names)


def course(args, make):
    """The roster and exports of grade-all's options; UsageError for a bad roster, or an export without one."""
    from checks.grading import roster as rosters
    try:
        students = rosters.load(args.roster) if args.roster else None
    except rosters.RosterError as e:
        raise UsageError(str(e)) from None
    platforms = tuple(dict.fromkeys(args.format or ()))
    if platforms and students is None:
        raise UsageError(f"--format {platforms[0]} needs --roster FILE: the platform matches students by their ids")
    what = f"step {args.step}" if args.step else (args.component or "nn-reference")
    return make(students, platforms, args.assignment or f"nn-reference {what}")


def bundle(args):
    """gradescope-bundle: write the autograder zip."""
    from checks.grading.bundle import bundle as build
    rubric = load_rubric(args.rubric, args.step)
    data = build(args.component, rubric if args.rubric else None, args.step)
    write(args.out, data, binary=True)
    what = f"step {args.step}" if args.step else args.component
    print(f"wrote {args.out}: a Gradescope autograder for {what} ({len(data) // 1024} KiB)", file=sys.stderr)
    return 0


def template(args):
    """template NAME or template --step N: print (or write) a starter file."""
    from checks.grading.templates import template as starter
    if (args.name is None) == (args.step is None):
        raise UsageError("name a component or give --step N, one of the two (e.g. template relu, template --step 1)")
    if args.out and os.path.exists(args.out) and not args.force:
        raise UsageError(f"{args.out} exists: template never overwrites a file, which may hold your work; "
                         f"choose another --out, or add --force to replace it")
    content = starter(args.name, STEPS.get(args.step))
    if args.out:
        write(args.out, content)
    else:
        sys.stdout.write(content)
    return 0


def write(path, content, binary=False):
    """Write a file atomically; UsageError when the path cannot be written."""
    try:
        if binary:
            formats.write_bytes(path, content)
        else:
            formats.write(path, content)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def add_commands(commands):
    """Add grade, grade-all, gradescope-bundle and template to the subparsers of python3 -m checks."""
    g = commands.add_parser("grade", help="grade one submission (a .py file, or a folder of them)")
    g.add_argument("file", metavar="FILE", help="the submission: a .py file defining one class, or a folder")
    g.add_argument("--format", choices=formats.FORMATS, default="text", help="report format (default text)")
    g.add_argument("--out", metavar="PATH", help="write the report to PATH instead of printing it")
    add_grading_options(g)
    a = commands.add_parser("grade-all", help="grade every submission in a folder into a gradebook",
                            description="Grade every submission in DIR into DIR-grades/: gradebook.csv, summary.html "
                                        "and summary.csv (the class summary), and one report per submission.",
                            epilog="Exit status: 0 when the batch completed, whatever the students scored; 2 for a "
                                   "usage error or reports that cannot be written; 130 when interrupted.")
    a.add_argument("folder", metavar="DIR", help="one submission per file (.py or .ipynb; any other file gets a "
                                                 "not-gradable row) or per subfolder")
    a.add_argument("--jobs", type=int, default=2, metavar="N", help="submissions graded at once (default 2)")
    a.add_argument("--out", metavar="DIR", help="where gradebook.csv and reports/ go (default DIR-grades)")
    a.add_argument("--allow-reduced-isolation", action="store_true",
                   help="grade even where the bubblewrap sandbox cannot run (specs/grading.md, \"Isolation\")")
    a.add_argument("--only", nargs="+", metavar="NAME",
                   help="regrade only these submissions (e.g. alice.py bob/) into the existing gradebook; the others "
                        "keep their reports, and one without a report is graded too")
    a.add_argument("--roster", metavar="FILE", help="a CSV with the columns submission and id (and name, "
                                                    "sis_user_id, sis_login_id, section, email): who is who")
    a.add_argument("--format", action="append", choices=PLATFORMS,
                   help="also write canvas.csv or moodle.csv for the platform's grade import (needs --roster)")
    a.add_argument("--assignment", metavar="NAME", help="the assignment's column in canvas.csv or moodle.csv")
    add_grading_options(a)
    b = commands.add_parser("gradescope-bundle", help="write a Gradescope autograder zip for one component or step")
    add_choice(b, required=True, component_help="the component to grade: ")
    b.add_argument("--out", metavar="ZIP", required=True, help="the zip to write, e.g. autograder.zip")
    b.add_argument("--rubric", metavar="FILE", help="a JSON rubric to ship with it")
    t = commands.add_parser("template", help="print a starter file for a learner")
    t.add_argument("name", nargs="?", choices=GRADABLE, metavar="NAME", help="the component: " + ", ".join(GRADABLE))
    t.add_argument("--step", type=int, choices=sorted(STEPS), metavar="N",
                   help="the starter file of a step of the course (specs/course.md), instead of NAME")
    t.add_argument("--out", metavar="PATH", help="write it to PATH instead of printing it (never over an existing "
                                                 "file, unless --force)")
    t.add_argument("--force", action="store_true", help="with --out: replace PATH if it exists")


HANDLERS = {"grade": grade, "grade-all": grade_all, "gradescope-bundle": bundle, "template": template}
