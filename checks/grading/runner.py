"""The child side of grading: load one submission and answer the grader's calls, nothing more.

checks/grading/launch.py starts this file as a script, `python -I runner.py
CONFIG`, in a fresh sandbox directory and a new session. The child sees only
the child-side modules: this file, guard.py and CHILD_MODULES, which it loads
from its own folder by their bare names before anything else, and the
standard library; never `checks` or `reference` (isolation.CHILD_FILES mounts
exactly these). Before the submission is loaded it sets its resource limits
and installs the audit hook of guard.py (audit hooks cannot be removed),
which refuses imports of the instructor's code, reading the project and
other submissions, writing outside the sandbox, starting processes, signals
and sockets.

Requests arrive on one pipe and answers leave on another, one JSON object per
line (child_packing.py): {"id", "op", ...} -> {"id", "ok": true, "value":
...} or {"id", "ok": false, "error": {"type", "message", ...}}, with
"refusals". Every value sent is made plain first (child_values.py); the
operations are those of child_calls.py. The runner keeps its own copy of the
builtins and binds os.write before the submission runs, so patching those
does not reach the answers. The child computes no verdict: the grader
compares the numbers it gets back.
"""
import builtins
import os
import resource
import sys
import types
from json import loads
from os import write

CHILD_MODULES = ("child_values", "child_packing", "child_calls")  # loaded in this order: each uses those before it
HERE = os.path.dirname(os.path.abspath(__file__))


def load_child_modules():
    """Run each of CHILD_MODULES from this folder as a module of its bare name (the child has no package)."""
    for name in CHILD_MODULES:
        path = os.path.join(HERE, f"{name}.py")
        module = types.ModuleType(name)
        module.__file__ = path
        with open(path, encoding="utf-8") as f:
            code = compile(f.read(), path, "exec", dont_inherit=True)
        sys.modules[name] = module
        exec(code, module.__dict__)


if __package__:  # the grader imports this module for its constants
    from checks.grading.child_calls import OPS, STATE
    from checks.grading.child_packing import parse, text
    from checks.grading.child_values import NotPlain
else:  # the child
    load_child_modules()
    from child_calls import OPS, STATE
    from child_packing import parse, text
    from child_values import NotPlain

__builtins__ = dict(vars(builtins))  # the functions below keep this copy: patching builtins does not reach them

MESSAGE = 300  # characters kept of an exception message
REFUSALS = 20  # refusals sent with an answer (the grader keeps as many)
RESERVE = 4 << 20  # bytes freed on MemoryError, so the answer can still be written
SANDBOX_PREFIX = "nn-grade-"  # every sandbox directory is named so; a child may read none but its own
GUARD = os.path.join(HERE, "guard.py")


def install_guard(config, refusals):
    """Run guard.py in a namespace of its own and install its audit hook; -> its two refusal classes."""
    namespace = {"__builtins__": dict(vars(builtins)), "__name__": "guard"}
    with open(GUARD, encoding="utf-8") as f:
        exec(compile(f.read(), GUARD, "exec"), namespace)
    sys.addaudithook(namespace["make_hook"](config, refusals, SANDBOX_PREFIX))
    return namespace["Refused"], namespace["RefusedImport"]


def set_limits(config):
    """Address space, CPU time, file size and processes of this child, soft and hard alike."""
    for name, value in (("RLIMIT_AS", config.get("memory")), ("RLIMIT_CPU", config.get("cpu")),
                        ("RLIMIT_FSIZE", config.get("fsize")), ("RLIMIT_NPROC", config.get("nproc"))):
        if value is None or not hasattr(resource, name):
            continue
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError):
            pass  # a limit the platform does not take; the grader's own timeouts still hold


def describe(error):
    """An exception as {"type", "message", "line"}; the line is the deepest frame in the submission."""
    name = type(error).__name__
    try:
        message = str(error)
    except BaseException:
        message = "(its message could not be read)"
    if isinstance(error, SystemExit):
        message = f"sys.exit({error.code!r}) was called"
    elif isinstance(error, SyntaxError):
        message = str(error.msg)
    found = {"type": name if isinstance(name, str) and name.isidentifier() else "Exception",
             "message": message[:MESSAGE]}
    line = submission_line(error)
    if line is not None:
        found["line"] = line
    refused = next((e for e in chain(error) if isinstance(e, STATE.refusal_types)), None)
    if refused is not None:
        found["refused"] = str(refused)[:MESSAGE]
    return found


def described(error):
    """describe(error), or a plain description when the exception's own methods fail while it is described."""
    try:
        return describe(error)
    except BaseException:
        return {"type": "Exception", "message": "an exception whose message could not be read"}


def chain(error):
    """error and the exceptions it was raised from or while handling (by identity: __eq__ may lie)."""
    seen = []
    while isinstance(error, BaseException) and not any(e is error for e in seen) and len(seen) < 20:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def submission_line(error):
    if isinstance(error, SyntaxError) and error.filename == STATE.file:
        return error.lineno
    tb, line = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == STATE.file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def answer(request):
    """The answer to one request, as a dict; exceptions of the submission become an error."""
    ident = request.get("id") if isinstance(request, dict) else None
    try:
        value = OPS[request["op"]](request)
        reply = {"id": ident, "ok": True, "value": value}
    except NotPlain as e:
        reply = {"id": ident, "ok": False, "error": {"type": "InvalidValue", "message": str(e)[:MESSAGE]}}
    except MemoryError:
        STATE.reserve = None
        reply = {"id": ident, "ok": False, "error": {"type": "MemoryError", "message": "out of memory"}}
    except BaseException as e:  # the submission may raise anything, SystemExit included
        reply = {"id": ident, "ok": False, "error": described(e)}
    reply["refusals"] = [r for r in list(STATE.refusals)[:REFUSALS] if type(r) is str]
    return reply


def send(fd, reply):
    try:
        data = (text(reply) + "\n").encode()
    except (ValueError, TypeError, RecursionError) as e:
        data = (text({"id": reply.get("id"), "ok": False,
                      "error": {"type": "InvalidValue", "message": f"the answer could not be encoded: {e}"[:MESSAGE]}})
                + "\n").encode()
    while data:
        data = data[write(fd, data):]


def serve(requests, response_fd):
    """Answer requests until the grader closes the request pipe."""
    while True:
        line = requests.readline()
        if not line:
            return
        try:
            request = parse(line.decode("utf-8", "replace"))
        except (ValueError, StopIteration):
            request = {"op": "?"}
        send(response_fd, answer(request))


def main():
    config = loads(sys.argv[1])
    set_limits(config)
    STATE.reserve = bytearray(RESERVE)
    requests = os.fdopen(config["request_fd"], "rb")
    STATE.refusal_types = install_guard(config, STATE.refusals)
    serve(requests, config["response_fd"])
    os._exit(0)


if __name__ == "__main__":
    main()
