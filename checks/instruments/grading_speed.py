"""make bench-grading: how long grading takes with the default settings, measured, never asserted.

Targets (README, "Teach"; specs/grading.md, "Speed"): one submission in under
10 s; the sandbox costs at most 1.3x grading the same file in a child without
it (the reduced mode), measured in the same run; a course of 300 in under 5
minutes with --jobs 2 on 2 cores (1 s a submission). Each single grading runs
in a fresh process, the three ways in turn: in-process (no child: the floor),
reduced, sandbox. The course mixes correct submissions with two kinds of
wrong ones, made from the reference's source.

    python -m checks.instruments.grading_speed [--count 100] [--jobs 2] [--repeat 1] [COMPONENT ...]
    python -m checks.instruments.grading_speed --baseline-seeds N [COMPONENT ...]

--baseline-seeds N prints, for each reference component with a baseline task
(or those named), its held-out score over the constant's at shuffling seeds
0 to N - 1: the evidence that the baseline's verdict does not hang on a seed.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from checks.cli import Parser
from checks.grading import isolation
from checks.grading.grade import grade
from checks.grading.samples import reference_source, write

ONE, PER_SUBMISSION, SANDBOX = 10.0, 1.0, 1.3  # the targets: seconds, seconds in a course, sandbox / reduced
WAYS = ("in-process", "reduced", "sandbox")  # how a single grading runs
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


def one(component, folder, way, repeat=1):
    """Grade the correct sample `way` (one of WAYS) in fresh processes; -> (median seconds, median CPU seconds
    of the grader and its children, score, max score). A sandboxed child's CPU is not counted: it runs under
    bubblewrap's own init, whose children's usage does not reach the grader."""
    path = write(folder, f"{component}.py", submissions(component)[0])
    env = {**os.environ, "NN_GRADER_ISOLATION": way}
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-m", "checks.instruments.grading_speed", "--time-one", path, component, way],
                              capture_output=True, text=True, env=env, check=True)
        runs.append([float(v) for v in done.stdout.split()])
    return tuple(statistics.median(r[i] for r in runs) for i in range(4))


def time_one(path, component, way):
    """One grading in this process, printed as "seconds cpu score max" for one() to read."""
    from checks import baseline
    baseline.bike_data()  # loaded before the clock starts, as grade-all loads it once for all its workers
    start, cpu = time.perf_counter(), used()
    report = grade(path, component, isolated=way != "in-process")
    print(time.perf_counter() - start, used() - cpu, report.score, report.max_score)


def used():
    """CPU seconds of this process and of its children that ended."""
    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


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
    p = Parser(prog="python -m checks.instruments.grading_speed")
    p.add_argument("components", nargs="*", metavar="COMPONENT",
                   help=f"components to time (default: {', '.join(sorted(BUGS))})")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1, help="single gradings per way, alternating (medians shown)")
    args = p.parse_args(argv)
    if args.count < 1 or args.jobs < 1:
        p.error("--count and --jobs must be positive whole numbers")
    if args.repeat < 1:
        p.error("--repeat must be a positive whole number")
    unknown = [c for c in args.components if c not in BUGS]
    if unknown:
        p.error(f"no timing sample for '{unknown[0]}'; components: {', '.join(sorted(BUGS))}")
    args.components = args.components or sorted(BUGS)
    return args


def singles(component, folder, repeat, out):
    """Time one correct submission each way, alternating; print each and the sandbox's cost."""
    ways = WAYS if not isolation.current().reduced else WAYS[:2]
    runs = {way: [] for way in ways}
    for _ in range(repeat):
        for way in ways:
            runs[way].append(one(component, folder, way))
    found = {way: tuple(statistics.median(r[i] for r in rs) for i in range(4)) for way, rs in runs.items()}
    for way, (seconds, cpu, score, max_score) in found.items():
        whose = "of the grader's CPU, the sandboxed child's not counted" if way == "sandbox" else "of CPU"
        out(f"{component}: one submission, {way}: {seconds:.1f} s ({cpu:.1f} s {whose}; {score:g}/{max_score:g}); "
            f"target under {ONE:g} s: {'met' if seconds < ONE else 'NOT met'}")
    if "sandbox" in found:
        ratio = found["sandbox"][0] / found["reduced"][0]
        out(f"{component}: the sandbox costs {ratio:.2f}x the reduced mode; target at most {SANDBOX:g}x: "
            f"{'met' if ratio <= SANDBOX else 'NOT met'}")


def baseline_seeds(count, names, out=print):
    """Each reference component's baseline score over the constant's, at seeds 0 to count - 1, and the worst."""
    from checks import baseline
    from checks.components import COMPONENTS
    for name in names or [n for n, c in COMPONENTS.items() if c.task]:
        ratios = []
        for seed in range(count):
            baseline.SEED = seed
            result = baseline.run(COMPONENTS[name])
            ratios.append(result.model_score / result.baseline_score)
        out(f"{name}: worst {max(ratios):.3f} (margin {baseline.MARGIN}), at seeds 0-{count - 1}: "
            f"{' '.join(f'{r:.3f}' for r in ratios)}")


def main(argv=None, out=print):
    if argv is None and sys.argv[1:2] == ["--time-one"]:
        time_one(*sys.argv[2:5])
        return 0
    if argv is None and sys.argv[1:2] == ["--baseline-seeds"]:
        if not sys.argv[2:3] or not sys.argv[2].isdigit() or int(sys.argv[2]) < 1:
            print("--baseline-seeds must be followed by a positive whole number of seeds", file=sys.stderr)
            return 2
        baseline_seeds(int(sys.argv[2]), sys.argv[3:], out)
        return 0
    args = arguments(argv)
    out(f"Grading with the default settings on {os.cpu_count()} cores; courses of {args.count} with --jobs {args.jobs}; "
        f"{isolation.current().note()}.")
    for component in args.components:
        with tempfile.TemporaryDirectory() as folder:
            singles(component, folder, args.repeat, out)
            seconds, code = course(component, folder, args.count, args.jobs)
            target = PER_SUBMISSION * args.count
            verdict = "met" if seconds < target else "NOT met"
            out(f"{component}: {args.count} submissions {seconds:.0f} s (grade-all exit {code}), so 300 in about "
                f"{seconds * 300 / args.count:.0f} s; target under {target:g} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
