"""Grade a course: every submission in a folder, in parallel, into a gradebook and one report each.

A submission is a .py file directly in the folder, or a subfolder (its .py
files). Each is graded by grade.grade in a worker process (its own child
inside); progress goes to stderr. The output folder gets gradebook.csv (one
row per submission: status, points per check, total, max score, message) and
reports/<submission>.json and .txt. A submission whose grading fails in any
way gets a row with its status; it never stops the batch. A submission that
brings its worker process down is retried alone, then recorded as crashed;
one whose report cannot be written is recorded as crashed. Ctrl-C writes the
gradebook of what finished and exits 130. Without the sandbox (isolation.py)
the command line must allow it: isolation_problem().
"""
import csv
import io
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from checks import baseline
from checks.grading import formats, isolation
from checks.grading.grade import NotGradable, checks_for, grade
from checks.grading.rubric import DEFAULT
from checks.grading.report import Report, not_run


def submissions(folder, out=None):
    """(name, path) of every submission in folder, sorted by name; hidden entries, caches and out are skipped."""
    found = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if entry.startswith(".") or entry == "__pycache__" or (out and os.path.abspath(path) == os.path.abspath(out)):
            continue
        if (os.path.isfile(path) and entry.endswith(".py")) or os.path.isdir(path):
            found.append((entry, path))
    return found


def grade_one(task):
    """Worker: grade one submission; -> (name, Report). Never raises for a submission's sake."""
    name, path, component, rubric, limits, private, step, seed = task
    try:
        return name, grade(path, component, rubric, limits, private, step, seed)
    except NotGradable as e:  # an empty folder
        return name, failed(name, component, rubric, "missing-class", str(e))
    except Exception as e:  # the grader itself failed: recorded as crashed, and the batch goes on
        return name, failed(name, component, rubric, "crashed", f"the grader failed on this submission: {e}")


def failed(name, component, rubric, status, message):
    report = Report(name, component, status, message)
    report.checks = not_run(rubric, checks_for(rubric, component), message)
    return report


def run_pool(tasks, jobs):
    """Yield (task, (name, Report)) as workers finish; tasks whose worker died are retried alone, once. The workers
    ignore Ctrl-C (the batch handles it); when the batch stops early, they are killed with what they were grading."""
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    broken, finished = [], False
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=ignore_interrupts)
    try:
        futures = {pool.submit(grade_one, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                yield futures[future], outcome(future, futures[future])
            except BrokenProcessPool:
                broken.append(futures[future])
        finished = True
    finally:
        stop(pool, finished)
    for task in broken:
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=ignore_interrupts) as pool:
            try:
                yield task, outcome(pool.submit(grade_one, task), task)
            except BrokenProcessPool:
                yield task, crashed(task, "the grader's worker process died while grading this submission")


def ignore_interrupts():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def outcome(future, task):
    """(name, Report) of a finished task; anything a worker raised (a signal's KeyboardInterrupt, say) is a crash of
    that submission alone. BrokenProcessPool is left to the caller."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except BaseException as e:
        return crashed(task, f"the grader's worker process failed while grading this submission ({type(e).__name__})")


def crashed(task, message):
    name, _, component, rubric = task[:4]
    return name, failed(name, component, rubric, "crashed", message)


def stop(pool, finished):
    """Shut the pool down; when the batch did not finish, kill the workers (and so their children) first. Waiting
    for the pool's own thread to see them gone lets the interpreter exit cleanly."""
    if not finished:
        for worker in list((getattr(pool, "_processes", None) or {}).values()):
            worker.kill()
    pool.shutdown(wait=True, cancel_futures=not finished)


def isolation_problem(allow_reduced):
    """A one-line usage error when children would run without the sandbox and the command line did not allow it."""
    mode = isolation.current()
    if mode.reduced and not allow_reduced:
        return (f"{mode.note()}; grading a course this way needs --allow-reduced-isolation (specs/grading.md, "
                "\"Isolation\")")
    return None


def grade_all(folder, out, jobs=2, component=None, rubric=None, limits=None, log=sys.stderr, step=None, seed=None):
    """Grade every submission in folder into out (as component, or as a course step); -> [(name, Report)] sorted by
    name. seed: the same draw for every submission (default: each grading draws its own; the gradebook shows it).
    On Ctrl-C: the gradebook of the submissions that finished, then SystemExit(130)."""
    found = submissions(folder, out)
    rubric = rubric or (step.full_rubric if step else dict(DEFAULT))
    component = step.component if step else component
    private = (os.path.abspath(folder), os.path.abspath(out))
    tasks = [(name, path, component, rubric, limits, private, step, seed) for name, path in found]
    baseline.bike_data()  # loaded once, before the workers fork
    isolation.announce()  # found once and said once, before the workers fork
    reports, start, results = [], time.monotonic(), run_pool(tasks, jobs)
    try:
        for i, (task, (name, report)) in enumerate(results, start=1):
            reports.append((name, saved(out, task, report)))
            print(f"[{i}/{len(tasks)}] {name}: {report.status}, {report.score:g}/{report.max_score:g} "
                  f"({report.seconds:.1f} s)", file=log, flush=True)
    except KeyboardInterrupt:
        results.close()
        finish(out, reports, rubric, log, f"interrupted after {len(reports)} of {len(tasks)} submissions")
        raise SystemExit(130) from None
    finish(out, reports, rubric, log, f"graded {len(reports)} submissions in {time.monotonic() - start:.1f} s")
    return reports


def finish(out, reports, rubric, log, summary):
    """Write the gradebook of reports (sorted by name) and say where it is."""
    reports.sort(key=lambda pair: pair[0])
    formats.write(os.path.join(out, "gradebook.csv"), gradebook(reports, rubric))
    print(f"{summary}; gradebook: {os.path.join(out, 'gradebook.csv')}", file=log, flush=True)


def saved(out, task, report):
    """Write a submission's reports; -> the report written. A report that cannot be rendered is replaced by a crashed
    one, so that one submission cannot end the batch (a folder that cannot be written still does: OSError)."""
    try:
        save(out, task[0], report)
        return report
    except OSError:
        raise
    except Exception as e:
        _, report = crashed(task, f"the grader could not write this submission's report ({type(e).__name__})")
        save(out, task[0], report)
        return report


def save(out, name, report):
    folder = os.path.join(out, "reports")
    formats.write(os.path.join(folder, f"{name}.json"), formats.as_json(report))
    formats.write(os.path.join(folder, f"{name}.txt"), formats.text(report))


def cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook(reports, rubric):
    """The gradebook as CSV text: one row per submission."""
    names = [n for n in rubric if rubric[n]]
    if len({report.component for _, report in reports}) == 1:
        names = checks_for(rubric, reports[0][1].component)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "component", "status", *names, "total", "max_score", "seed", "message"])
    for name, report in reports:
        points = {c.name: c.score for c in report.checks}
        writer.writerow([cell(name), report.component or "", report.status,
                         *[f"{points.get(n, 0):g}" for n in names], f"{report.score:g}",
                         f"{report.max_score:g}", "" if report.seed is None else report.seed, cell(report.message)])
    return buffer.getvalue()
