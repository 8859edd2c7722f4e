"""Grading: a submitted layer or loss, run isolated in a child process, scored by the checks in the grader.

    python3 -m checks grade FILE [--component NAME] [--format text|json|gradescope|junit] [--out PATH]
    python3 -m checks grade-all DIR [--jobs N] [--out DIR] [--roster CSV] [--only NAME ...] [--format canvas|moodle]
    python3 -m checks gradescope-bundle --component NAME --out autograder.zip
    python3 -m checks template NAME [--out FILE]
    python3 -m checks grade FILE --step N, python3 -m checks template --step N   (the course: steps.py)
    (nnref is the same command, once the project is installed)

The verdict is computed where the submission cannot reach it: the submission
runs in runner.py (and the child-side modules it loads), a child process
(process.py) that only answers calls with plain JSON numbers; the grader holds proxies that follow the protocol
(remote.py, proxies.py, optimizer_proxy.py) and runs the project's own checks on them (checklist.py), scores
them with a rubric (rubric.py), and writes the report (report.py, formats.py).
specs/grading.md describes the rubric, the isolation and the limits.
"""



def __getattr__(name):
    """GRADABLE: the components a submission may implement; NETWORKS: those built from layers, which the child
    builds from the grader's library. Both derive from the declarations of checks/components.py, read when first
    asked for (the declarations import parts of this package)."""
    if name not in ("GRADABLE", "NETWORKS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from checks.components import COMPONENTS
    wanted = "gradable" if name == "GRADABLE" else "network"
    found = tuple(n for n, c in COMPONENTS.items() if getattr(c, wanted))
    globals()[name] = found
    return found
