"""Grade a course: every submission in a folder, in parallel, into a gradebook, a class summary and one report each.

A submission is any file or subfolder of the course folder, except hidden
ones and what archivers leave (__MACOSX/). A .py file, a notebook (.ipynb,
notebooks.py) or a folder of them is graded by grade.grade in a worker
process (its own child inside); anything else gets a row with the status
not-gradable and the reason. Progress goes to stderr. The output folder gets
gradebook.csv (one row per submission: student, modification time, status,
points per check, total, max score, diagnosis, seconds, message),
summary.html and summary.csv (the class summary: summary.py), the exports
asked for (exports.py), and reports/<submission>.json and .txt. A regrade
(only=) grades the named submissions and keeps the others' reports; reports
of submissions no longer in the folder are removed. A submission whose
grading fails in any way gets a row with its status; it never stops the
batch. A submission that brings its worker process down is retried alone,
then recorded as crashed; one whose report cannot be written is recorded as
crashed. Ctrl-C writes the gradebook of what finished and exits 130. Without
the sandbox (isolation.py) the command line must allow it:
isolation_problem().
"""
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from checks import baseline
from checks.grading import formats, isolation, notebooks
from checks.grading.grade import NotGradable, checks_for
from checks.grading.gradebook import Course, finish, kept_reports, remove_stale
from checks.grading.report import Report, not_run
from checks.grading.rubric import DEFAULT


SKIPPED = ("__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini")  # what archivers and file browsers leave behind
GRADED = (".py", notebooks.SUFFIX)


def submissions(folder, out=None):
    """(name, path) of every submission in folder, sorted by name: every file and subfolder, except hidden ones,
    what archivers and file browsers leave (SKIPPED) and out. Those the grader cannot take get a not-gradable row."""
    found = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if entry.startswith(".") or entry in SKIPPED or (out and os.path.abspath(path) == os.path.abspath(out)):
            continue
        found.append((entry, path))
    return found


def problem(path):
    """Why the grader cannot take the submission at path (one sentence for the student), or None."""
    if os.path.isdir(path):
        try:
            inside = [f for f in os.listdir(path) if f.endswith(GRADED) and not f.startswith(".")]
        except OSError as e:
            return f"the folder cannot be read ({e.strerror or e})"
        return None if inside else "the folder holds no .py file and no notebook (.ipynb)"
    if not os.path.exists(path):
        return "the file cannot be read: it is a link to a file that does not exist"
    ext = os.path.splitext(path)[1].lower()
    if ext not in GRADED:
        what = f"a {ext} file" if ext else "a file without an extension"
        return f"{what} is not something the grader can run; hand in a .py file, a notebook (.ipynb) or a folder"
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        return f"the file cannot be read ({e.strerror or e})"
    return None


def target(path):
    """What to grade for a submission: itself, or the one notebook of a folder that holds no .py file."""
    if not os.path.isdir(path) or any(f.endswith(".py") for f in os.listdir(path)):
        return path
    books = sorted(f for f in os.listdir(path) if f.endswith(notebooks.SUFFIX) and not f.startswith("."))
    if len(books) > 1:
        raise NotGradable(f"the folder holds several notebooks ({', '.join(books)}) and no .py file: keep one")
    return os.path.join(path, books[0])


def grade_one(task):
    """Worker: grade one submission; -> (name, Report). Never raises for a submission's sake."""
    name, path, component, rubric, limits, private, step, seed, isolated = task
    why = problem(path)
    if why:
        return name, failed(name, component, rubric, "not-gradable", why)
    try:
        report = notebooks.grade(target(path), component, rubric, limits, private, step, seed, isolated)
        report.file = name
        return name, report
    except (NotGradable, notebooks.NotebookError) as e:
        return name, failed(name, component, rubric, "not-gradable", str(e))
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


def grade_all(folder, out, jobs=2, component=None, rubric=None, limits=None, log=sys.stderr, step=None, seed=None,
              only=None, course=None, isolated=True):
    """Grade every submission in folder into out (as component, or as a course step); -> [(name, Report)] sorted by
    name, one per submission. seed: the same draw for every submission (default: each grading draws its own; the
    gradebook shows it). only: names of submissions to regrade, the others keeping the reports out holds (a
    submission without one is graded too). Reports of submissions no longer in folder are removed. isolated=False
    grades in the workers themselves (grade.grade). On Ctrl-C: the gradebook of the submissions that finished, then
    SystemExit(130)."""
    found, course = submissions(folder, out), course or Course()
    rubric = rubric or (step.full_rubric if step else dict(DEFAULT))
    component = step.component if step else component
    kept = kept_reports(out, [name for name, _ in found], only, log)
    private = (os.path.abspath(folder), os.path.abspath(out))
    tasks = [(name, path, component, rubric, limits, private, step, seed, isolated) for name, path in found
             if name not in kept]
    baseline.bike_data()  # loaded once, before the workers fork
    isolation.announce()  # found once and said once, before the workers fork
    reports, start, results = list(kept.items()), time.monotonic(), run_pool(tasks, jobs)
    paths = dict(found)
    try:
        for i, (task, (name, report)) in enumerate(results, start=1):
            reports.append((name, saved(out, task, report)))
            print(f"[{i}/{len(tasks)}] {name}: {report.status}, {report.score:g}/{report.max_score:g} "
                  f"({report.seconds:.1f} s)", file=log, flush=True)
    except KeyboardInterrupt:
        results.close()
        finish(out, reports, paths, rubric, course, log,
               f"interrupted after {len(reports) - len(kept)} of {len(tasks)} submissions")
        raise SystemExit(130) from None
    remove_stale(out, paths, folder, log)
    finish(out, reports, paths, rubric, course, log,
           f"graded {len(tasks)} submissions in {time.monotonic() - start:.1f} s"
           + (f", kept the reports of {len(kept)}" if kept else ""))
    return reports


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
    formats.write(os.path.join(folder, f"{name}.json"), formats.as_json(report, timed=True))
    formats.write(os.path.join(folder, f"{name}.txt"), formats.text(report))
