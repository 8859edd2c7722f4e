"""How a submission's child is walled in: a bubblewrap sandbox, or a reduced mode that says so.

current() finds out once per process which mode this machine allows:

- "sandbox": the child runs under bubblewrap (bwrap) in new user, PID,
  network, IPC, UTS and mount namespaces, as uid 65534, in a new session,
  killed when the grader dies. It sees a read-only view of /usr (and the
  /bin, /lib links), of Python's installation and of the grader's
  child-side files (CHILD_FILES: runner.py, guard.py and the modules
  runner.py loads, mounted at /grader); a read-only view
  of the submission's files; and a tmpfs of at most `Limits.disk` bytes at
  its sandbox directory, the only place it can write. The project, other
  submissions, the reports and other processes are not there to be seen.
- "reduced": bwrap is missing or cannot create namespaces here. The child
  runs as uid 65534 when the grader is root and the Python installation is
  reachable by that uid (else as the grader's own uid), with its rlimits and
  the audit hook; every report and stderr say "isolation: reduced: <why>".

NN_GRADER_ISOLATION=reduced asks for the reduced mode (to test it, or to
compare); anything else lets the machine decide.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from checks.grading.runner import CHILD_MODULES

NOBODY = 65534
INSIDE = "/grader"  # where the child-side files are mounted in the sandbox
HERE = os.path.dirname(os.path.abspath(__file__))
CHILD_FILES = ("runner.py", "guard.py", *(f"{name}.py" for name in CHILD_MODULES))  # all a sandboxed child can see
PYTHON = os.path.realpath(sys.executable)
PREFIXES = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)})
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
NAMESPACES = ("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
              "--unshare-cgroup-try")


@dataclass(frozen=True)
class Isolation:
    """The mode children start in: "sandbox" or "reduced", why it is reduced, and the uid to drop to (or None)."""

    mode: str
    reason: str = ""
    uid: int = None

    @property
    def reduced(self):
        return self.mode != "sandbox"

    def note(self):
        """One line for reports and stderr."""
        return f"isolation: reduced: {self.reason}" if self.reduced else \
            "isolation: sandbox (bubblewrap: own namespaces, uid 65534, only its folder writable)"


def runner_path(isolation):
    """Where the child finds runner.py: under /grader in the sandbox, else in the project."""
    return os.path.join(INSIDE if not isolation.reduced else HERE, "runner.py")


def bwrap_command(sandbox, readable, disk, env):
    """The bwrap argv (up to the program) for a child whose directory is sandbox; readable: folders in it that it
    may only read; disk: bytes it may write there."""
    argv = [shutil.which("bwrap") or "bwrap", *NAMESPACES, "--die-with-parent", "--new-session",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    for prefix in PREFIXES:
        if prefix != "/usr" and not prefix.startswith("/usr/"):
            argv += ["--ro-bind", prefix, prefix]
    for name in CHILD_FILES:
        argv += ["--ro-bind", os.path.join(HERE, name), os.path.join(INSIDE, name)]
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(disk), "--tmpfs", sandbox]
    for folder in readable:
        argv += ["--ro-bind", folder, folder]
    argv += ["--chdir", sandbox, "--clearenv"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv


def probe(argv, user=None):
    """None when argv runs and exits 0 within 20 s, else a few words on why not."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=20, user=user,
                              group=user, extra_groups=[] if user is not None else None)
    except (OSError, subprocess.SubprocessError) as e:
        return str(e)
    if done.returncode == 0:
        return None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else f"exit code {done.returncode}")[:200]


def detect():
    """The mode this machine allows (see the module docstring)."""
    why = "NN_GRADER_ISOLATION=reduced asks for it" if os.environ.get("NN_GRADER_ISOLATION") == "reduced" else None
    if why is None and shutil.which("bwrap") is None:
        why = "bubblewrap (bwrap) is not installed"
    if why is None:
        folder = tempfile.mkdtemp(prefix="nn-probe-")
        try:
            failed = probe(bwrap_command(folder, (), 1 << 20, {}) + [PYTHON, "-I", "-c", "pass"])
        finally:
            os.rmdir(folder)
        if failed is None:
            return Isolation("sandbox")
        why = f"bwrap cannot create its namespaces here ({failed})"
    return reduced(why)


def reduced(why):
    """The reduced mode: which uid the child can drop to, and the whole reason."""
    if os.geteuid() != 0:
        return Isolation("reduced", f"{why}; the child runs as the grader's own uid {os.geteuid()}, with rlimits and "
                                    "the audit hook")
    failed = probe([PYTHON, "-I", "-c", "pass"], user=NOBODY)
    if failed is None:
        return Isolation("reduced", f"{why}; the child runs as uid {NOBODY} with rlimits and the audit hook", NOBODY)
    return Isolation("reduced", f"{why}; the child runs as root (uid {NOBODY} cannot run {PYTHON}: {failed}), "
                                "with rlimits and the audit hook", None)


_FOUND, _SAID = [], []


def current():
    """The mode of this process's children, found once."""
    if not _FOUND:
        _FOUND.append(detect())
    return _FOUND[0]


def announce(log=sys.stderr):
    """Say the reduced mode on stderr, once per process (a worker forked after it stays quiet)."""
    if current().reduced and not _SAID:
        _SAID.append(True)
        print(current().note(), file=log, flush=True)


def reduced_note():
    """The isolation line of a report: "isolation: reduced: <why>", or "" in the sandbox."""
    mode = current()
    return mode.note() if mode.reduced else ""
