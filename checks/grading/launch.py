"""Starting the child that runs a submission: its sandbox folder filled, its command, environment and pipes.

start() runs checks/grading/runner.py with `python -I` (no PYTHONPATH, no
user site, no script directory on sys.path) in a new session (its own process
group), with no inherited file descriptors but its two pipes and a minimal
environment: under bubblewrap, or in the reduced mode that isolation.py finds
when bubblewrap cannot run. checks/grading/process.py talks to it.
"""
import json
import os
import shutil
import subprocess

from checks.grading import isolation
from checks.grading.child_calls import LIBRARY


def start(sandbox, limits, places):
    """Start the runner in sandbox, walled in as isolation.current() allows; -> (the process, the request pipe's
    write end, the answer pipe's read end)."""
    mode = isolation.current()
    isolation.announce()
    request_r, request_w = os.pipe()
    response_r, response_w = os.pipe()
    config = {"request_fd": request_r, "response_fd": response_w, "tmp": sandbox, **places,
              "memory": limits.memory, "cpu": limits.cpu, "fsize": limits.fsize, "nproc": 0,
              "reduced": mode.reduced}
    # -u: what the submission prints reaches the grader at once, and is kept even when the child is killed
    argv = [isolation.PYTHON, "-I", "-u", isolation.runner_path(mode), json.dumps(config)]
    env, user = environment(sandbox), None
    if not mode.reduced:
        readable = [os.path.join(sandbox, name) for name in sorted(os.listdir(sandbox))]
        argv = isolation.bwrap_command(sandbox, readable, limits.disk, env) + argv
    elif mode.uid is not None:
        os.chown(sandbox, mode.uid, mode.uid)  # its own folder is the only one it can write
        user = mode.uid
    try:
        proc = subprocess.Popen(
            argv, cwd=sandbox, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            pass_fds=(request_r, response_w), close_fds=True, start_new_session=True, user=user, group=user,
            extra_groups=[] if user is not None else None)
    except BaseException:
        os.close(request_w)
        os.close(response_r)
        raise
    finally:
        os.close(request_r)
        os.close(response_w)
    proc.sandboxed = not mode.reduced
    return proc, request_w, response_r


def exit_code(status, sandboxed):
    """The child's exit code from a wait status, negative for a signal (bwrap passes a signal on as 128 + it)."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if sandboxed and 128 < code < 128 + 65 else code


def environment(sandbox):
    """The child's whole environment: a search path, a UTF-8 locale, and its sandbox as home and temp."""
    return {"PATH": os.defpath, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": sandbox, "TMPDIR": sandbox}


def write_library(source, folder):
    """Write the grader's library of layers (source text) into folder; -> its path, which the child runs."""
    os.makedirs(folder)
    path = os.path.join(folder, f"{LIBRARY}.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path


def copy_in(files, folder):
    """Copy the submission's files into folder; -> the copies' paths, in the same order."""
    os.makedirs(folder)
    copies = []
    for path in files:
        target = os.path.join(folder, os.path.basename(path))
        shutil.copyfile(path, target)
        copies.append(target)
    return copies
