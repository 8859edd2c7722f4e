"""The child process that runs a submission: started isolated, limited in time and memory, killed as a group.

Child(files, limits, places, library=None) copies the submission (and the
source of the grader's library of layers, when a network is graded) into a
fresh sandbox directory and starts checks/grading/runner.py there, walled in
as checks/grading/launch.py describes; what it prints is kept by
checks/grading/child_output.py. request() sends one JSON line and waits for
the answer under the per-call and per-submission wall-clock limits.

When the child cannot go on, request() raises Gone with a status:
"timeout" (a limit ran out; the whole process group is killed),
"memory-limit" (a MemoryError, or a death with memory near the limit) or
"crashed" (the process ended, or broke the wire format). A Gone child stays
gone: every later request raises the same Gone at once.
"""
import os
import select
import shutil
import signal
import tempfile
import time

from checks.grading import runner, wire
from checks.grading.child_output import CHUNK, Drain
from checks.grading.launch import copy_in, exit_code, start, write_library
from checks.grading.runner import SANDBOX_PREFIX

REFUSALS = runner.REFUSALS  # distinct refusals kept per submission


class Gone(BaseException):
    """The child can answer no more. A BaseException, so the checkers' `except Exception` lets it through."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


class Raised(Exception):
    """The submission raised an exception in a call: its type name, message and line in the file."""

    def __init__(self, error):
        self.type_name, self.text = wire.safe(error["type"], 60, lines=False), wire.safe(error["message"])
        super().__init__(self.text)
        self.line = error.get("line")
        self.refused = wire.safe(error["refused"]) if isinstance(error.get("refused"), str) else None


class Child:
    """One isolated child process serving one submission."""

    def __init__(self, files, limits, places, library=None):
        self.limits, self.gone, self.refusals, self.counter = limits, None, [], 0
        self.sandbox = tempfile.mkdtemp(prefix=SANDBOX_PREFIX)
        try:
            self.files = copy_in(files, os.path.join(self.sandbox, "submission"))
            self.library = write_library(library, os.path.join(self.sandbox, "library")) if library else None
            self.proc, self.request_w, self.response_r = start(self.sandbox, limits, places)
        except BaseException:
            shutil.rmtree(self.sandbox, ignore_errors=True)
            raise
        os.set_blocking(self.request_w, False)
        self.drains = [Drain(self.proc.stdout, limits.output), Drain(self.proc.stderr, limits.output)]
        self.deadline = time.monotonic() + limits.total
        self.buffer, self.reaped = bytearray(), None

    def request(self, op, what, timeout=None, **fields):
        """Send one request and return its answer's value; Raised if the submission raised, Gone if the child is."""
        if self.gone:
            raise self.gone
        self.counter += 1
        limit = min(timeout or self.limits.call, self.deadline - time.monotonic())
        end = time.monotonic() + max(limit, 0.0)
        try:
            self.write(wire.request(self.counter, op, fields), end, what)
            answer = wire.reply(self.read_line(end, what), self.counter)
        except wire.ProtocolError as e:
            raise self.fail("crashed", f"the submission broke the grader's channel during {what}: {e}; graded code "
                                       "must not write to the grader's pipes")
        for refusal in wire.safe_list(answer["refusals"], REFUSALS) if len(self.refusals) < REFUSALS else ():
            if refusal not in self.refusals and len(self.refusals) < REFUSALS:
                self.refusals.append(refusal)
        if answer["ok"]:
            return answer["value"]
        if answer["error"]["type"] == "MemoryError":
            raise self.fail("memory-limit", f"the submission ran out of memory during {what} (the limit is "
                                            f"{self.limits.memory >> 20} MiB of address space)")
        raise Raised(answer["error"])

    def write(self, data, end, what):
        view = memoryview(data)
        while view:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise self.timed_out(what)
            if not select.select([], [self.request_w], [], remaining)[1]:
                continue
            try:
                view = view[os.write(self.request_w, view):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                raise self.died(what)

    def read_line(self, end, what):
        while True:
            cut = self.buffer.find(b"\n")
            if cut >= 0:
                line = bytes(self.buffer[:cut])
                del self.buffer[:cut + 1]
                return line
            if len(self.buffer) > self.limits.answer:
                raise self.fail("crashed", f"the answer to {what} is longer than {self.limits.answer >> 20} MiB")
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise self.timed_out(what)
            if not select.select([self.response_r], [], [], remaining)[0]:
                continue
            chunk = os.read(self.response_r, CHUNK)
            if not chunk:
                raise self.died(what)
            self.buffer += chunk

    def timed_out(self, what):
        if self.deadline - time.monotonic() <= 0.01:
            return self.fail("timeout", f"the submission used up its {self.limits.total:g} s (during {what})")
        limit = self.limits.load if what == "importing the file" else self.limits.call
        return self.fail("timeout", f"{what} did not finish within {limit:g} s: an endless loop, or far too slow")

    def died(self, what):
        """The child ended on its own: say how, from its exit status and resource usage."""
        status, usage = self.reap(wait=1.0)
        used = usage.ru_utime + usage.ru_stime if usage else 0.0
        code = exit_code(status, self.proc.sandboxed) if status is not None else None
        if code is not None and code < 0 and (-code == getattr(signal, "SIGXCPU", -1) or used >= self.limits.cpu - 1):
            return self.fail("timeout", f"the submission used up its {self.limits.cpu} s of CPU time (during {what})")
        if code is not None and code != 0 and self.out_of_memory():
            return self.fail("memory-limit", f"the submission's process died at the memory limit during {what} "
                                             f"({self.limits.memory >> 20} MiB of address space)")
        how = (f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0 and
               -code in signal.Signals._value2member_map_ else f"exited with code {code}")
        return self.fail("crashed", f"the submission's process {how} during {what}: os._exit, a crash, or exit "
                                    "outside a call")

    def out_of_memory(self):
        """Whether the child's last words (its stderr) say it ran out of memory. (Its peak memory cannot say: a
        child started by fork inherits the grader's.)"""
        for drain in self.drains:
            drain.join(timeout=0.5)
        tail = bytes(self.drains[1].kept[-4096:])
        return any(sign in tail for sign in (b"MemoryError", b"Cannot allocate memory", b"out of memory"))

    def fail(self, status, message):
        """Mark the child gone (killing its process group) and return the Gone to raise."""
        if not self.gone:
            self.gone = Gone(status, message)
            self.kill()
        return self.gone

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.reap()

    def reap(self, wait=None):
        """(wait status, rusage) of the child, once it has ended; with wait, give it that long to end, then kill."""
        if self.reaped is None:
            if wait is not None and not self.exited(wait):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                _, status, usage = os.wait4(self.proc.pid, 0)
            except ChildProcessError:
                status, usage = None, None
            self.reaped = (status, usage)
            self.proc.returncode = exit_code(status, self.proc.sandboxed) if status is not None else -1
        return self.reaped

    def exited(self, wait):
        """Whether the child has ended within wait seconds (without reaping it)."""
        end = time.monotonic() + wait
        while True:
            try:
                if os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                    return True
            except ChildProcessError:
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.005)

    def output(self):
        """What the submission printed (stdout, then stderr), capped; never read as a result."""
        for drain in self.drains:
            drain.join(timeout=1.0)
        parts = [d.text() for d in self.drains]
        return "\n".join(p for p in parts if p)

    def close(self):
        """End the child (the request pipe closes; then the whole group is killed) and delete the sandbox."""
        if self.reaped is None:
            try:
                os.close(self.request_w)
                self.request_w = None
            except OSError:
                pass
            if not self.exited(0.5):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self.reap()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything the child left behind in its group
        except (ProcessLookupError, PermissionError):
            pass
        output = self.output()
        for fd in (self.request_w, self.response_r):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.request_w = self.response_r = None
        shutil.rmtree(self.sandbox, ignore_errors=True)
        return output

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


