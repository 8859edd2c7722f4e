"""make bench-grading: how long grading takes with the default settings, measured, never asserted.

Targets (README, "Teach"): one submission in under 10 s, a course of 100 in
under 5 minutes with --jobs 2 on 2 cores. The course mixes correct
submissions with two kinds of wrong ones, made from the reference's source.

    python -m checks.grading.speed [--count 100] [--jobs 2] [COMPONENT ...]
"""
import os
import subprocess
import sys
import tempfile
import time

from checks.cli import Parser
from checks.grading import isolation
from checks.grading.grade import grade
from checks.grading.samples import reference_source, write

ONE, COURSE = 10.0, 300.0  # the targets, in seconds
BUGS = {  # component -> (class name, [(what the bug is, text in the reference, text in the bug)])
    "dense": ("Dense", [("bias gradient not summed", "column_sums(dy)  #", "list(dy[0])  #"),
                        ("sign-flipped dW", "matmul(transpose(self.x), dy)  #",
                         "[[-g for g in r] for r in matmul(transpose(self.x), dy)]  #")]),
    "relu": ("ReLU", [("sign-flipped dx", "[g if v > 0.0 else 0.0", "[-g if v > 0.0 else 0.0")]),
}


def submissions(component):
    """The texts a course hands in, in turn: the reference's own, then each bug."""
    class_name, bugs = BUGS[component]
    correct = reference_source() + f"\n{class_name} = {class_name}\n"
    for what, old, new in bugs:
        assert old in correct, f"the reference no longer contains {old!r}: update BUGS ({what})"
    return [correct] + [correct.replace(old, new, 1) for _, old, new in bugs]


def one(component, folder):
    path = write(folder, f"{component}.py", submissions(component)[0])
    start = time.perf_counter()
    report = grade(path, component)
    return time.perf_counter() - start, report


def course(component, folder, count, jobs):
    texts = submissions(component)
    course_folder = os.path.join(folder, "course")
    os.makedirs(course_folder)
    for i in range(count):
        write(course_folder, f"student{i:03d}.py", texts[i % len(texts)])
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "checks", "grade-all", course_folder, "--component", component,
                           "--jobs", str(jobs), "--out", os.path.join(folder, "grades"), "--allow-reduced-isolation"],
                          capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def arguments(argv):
    """The command line; a broken rule ends the run in one line, exit 2."""
    p = Parser(prog="python -m checks.grading.speed")
    p.add_argument("components", nargs="*", metavar="COMPONENT",
                   help=f"components to time (default: {', '.join(sorted(BUGS))})")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)
    if args.count < 1 or args.jobs < 1:
        p.error("--count and --jobs must be positive whole numbers")
    unknown = [c for c in args.components if c not in BUGS]
    if unknown:
        p.error(f"no timing sample for '{unknown[0]}'; components: {', '.join(sorted(BUGS))}")
    args.components = args.components or sorted(BUGS)
    return args


def main(argv=None, out=print):
    args = arguments(argv)
    out(f"Grading with the default settings on {os.cpu_count()} cores; courses of {args.count} with --jobs {args.jobs}; "
        f"{isolation.current().note()}.")
    for component in args.components:
        with tempfile.TemporaryDirectory() as folder:
            seconds, report = one(component, folder)
            out(f"{component}: one submission {seconds:.1f} s ({report.score:g}/{report.max_score:g}); "
                f"target under {ONE:g} s: {'met' if seconds < ONE else 'NOT met'}")
            seconds, code = course(component, folder, args.count, args.jobs)
            verdict = "met" if seconds < COURSE * args.count / 100 else "NOT met"
            out(f"{component}: {args.count} submissions {seconds:.0f} s (grade-all exit {code}); "
                f"target under {COURSE * args.count / 100:g} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
