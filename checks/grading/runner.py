"""The child side of grading: load one submission and answer the grader's calls, nothing more.

checks/grading/launch.py starts this file as a script, `python -I runner.py
CONFIG`, in a fresh sandbox directory and a new session. It imports only the
standard library, never `checks` or `reference`. Before the submission is
loaded it sets its resource limits and installs the audit hook of guard.py
(audit hooks cannot be removed), which refuses imports of the instructor's
code, reading the project and other submissions, writing outside the
sandbox, starting processes, signals and sockets.

Requests arrive on one pipe and answers leave on another, one JSON object per
line: {"id", "op", ...} -> {"id", "ok": true, "value": ...} or {"id", "ok":
false, "error": {"type", "message", ...}}, with "refusals". Every value sent
is converted to plain lists, ints and floats first (a float subclass is sent
as its float value, whatever its methods claim; a tuple is refused), and
float vectors and matrices cross both ways packed as their doubles' bytes
(pack, unpack). The runner keeps its own copy of the builtins and binds the
JSON encoder, the C functions the packing uses and os.write before the
submission runs, so patching those does not reach the answers. The child
computes no verdict: the grader compares the numbers it gets back.

A graded network (Sequential) is built from layers the grader describes,
{"layer", "args", "params"}: they come from the grader's library of layers,
a file in the sandbox that the load request names, never from the project.
An optimizer answers "step" requests on plain dicts of params and grads.
"""
import builtins
import os
import resource
import sys
import types
from _json import encode_basestring_ascii, make_encoder
from struct import pack as pack_doubles
from binascii import a2b_base64, b2a_base64
from re import compile as regex
from itertools import chain as chained
from json import loads
from json.decoder import JSONDecoder
from os import write

__builtins__ = dict(vars(builtins))  # the functions below keep this copy: patching builtins does not reach them

MAX_DEPTH = 8  # nesting of lists in a value sent back
MESSAGE = 300  # characters kept of an exception message
REFUSALS = 20  # refusals sent with an answer (the grader keeps as many)
RESERVE = 4 << 20  # bytes freed on MemoryError, so the answer can still be written
SANDBOX_PREFIX = "nn-grade-"  # every sandbox directory is named so; a child may read none but its own
LIBRARY = "network_layers"  # the module name of the grader's library of layers, when a network is graded
GUARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guard.py")


def install_guard(config, refusals):
    """Run guard.py in a namespace of its own and install its audit hook; -> its two refusal classes."""
    namespace = {"__builtins__": dict(vars(builtins)), "__name__": "guard"}
    with open(GUARD, encoding="utf-8") as f:
        exec(compile(f.read(), GUARD, "exec"), namespace)
    sys.addaudithook(namespace["make_hook"](config, refusals, SANDBOX_PREFIX))
    return namespace["Refused"], namespace["RefusedImport"]


class NotPlain(ValueError):
    """A value that is not a nested list of numbers."""


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


NUMBERS = {float, int}


def is_plain(value, depth=0):
    """Whether value is already exact lists of exact ints and floats (the fast path of plain)."""
    if type(value) is not list:
        return type(value) in NUMBERS
    kinds = set(map(type, value))
    if kinds <= NUMBERS:
        return True
    if kinds == {list} and set(map(type, chained.from_iterable(value))) <= NUMBERS:
        return True  # a matrix
    return depth < MAX_DEPTH and all(type(v) in NUMBERS or (type(v) is list and is_plain(v, depth + 1))
                                     for v in value)


def plain(value, path="", depth=0):
    """value as exact lists, ints and floats; NotPlain names the first entry that is something else."""
    if is_plain(value):
        return value
    if isinstance(value, bool):
        raise NotPlain(f"{path or 'the value'} is {value!r}, a bool, not a number")
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise NotPlain(f"{path or 'the value'} is nested more than {MAX_DEPTH} lists deep")
        return [plain(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(list.__iter__(value))]
    kind = type(value).__name__ if type(value).__name__.isidentifier() else "object"
    raise NotPlain(f"{path or 'the value'} is a {kind}, not a list or a number")


def duplicate(value):
    """A copy of nested lists (the leaves are shared: numbers do not change)."""
    if type(value) is not list:
        return value
    if set(map(type, value)) == {list} and list not in set(map(type, chained.from_iterable(value))):
        return list(map(list.copy, value))  # a matrix, copied row by row at C speed
    return [v[:] if type(v) is list and list not in set(map(type, v)) else duplicate(v) for v in value]


def unchanged(value, copy):
    """Whether value still equals copy, taken before a call; anything but plain numbers counts as changed."""
    return is_plain(value) and value == copy


def plain_entries(mapping, what):
    """A params or grads dict as {name: plain value or None}; None when there is no such dict."""
    if mapping is None or not hasattr(mapping, "items"):
        return None
    out = {}
    for name, value in list(mapping.items()):
        if not isinstance(name, str):
            raise NotPlain(f"{what} has a key {name!r} that is not a string")
        out[str.__str__(name)] = None if value is None else plain(value, f"{what}['{name}']")
    return out


def unencodable(value):
    raise TypeError(f"a {type(value).__name__} cannot be sent")


ENCODE = make_encoder(None, unencodable, encode_basestring_ascii, None, ":", ",", False, False, True)
SCAN = JSONDecoder().scan_once  # the C encoder and scanner, bound now: patching json later does not reach them


def text(value):
    """value as one line of JSON, its float vectors and matrices packed (NaN and infinity as JSON's tokens, or
    inside packed lists: the grader refuses them)."""
    return "".join(ENCODE(pack(value), 0))


def parse(line):
    """One request line -> its object, packed lists unpacked; ValueError when it is not a JSON object."""
    found, end = SCAN(line.strip(), 0)
    if type(found) is not dict:
        raise ValueError("not an object")
    return unpack(found)


PACKED = "\x00f8:"  # a packed list: PACKED + its shape "N" or "N,M" + ":" + base64 of its doubles
PACK_MIN = 16  # numbers in a list before it is packed; shorter ones stay JSON numbers
SHAPE_TEXT = 40  # characters of a packed list's shape that are read
BASE64 = regex("[A-Za-z0-9+/]*={0,2}").fullmatch  # C code, bound now: patching re later does not reach it


def pack(value, depth=0):
    """value with every vector (N) or matrix (N, M) of at least PACK_MIN exact floats replaced by its packed
    string: the doubles' own bytes in base64, exact, and far cheaper to write and read than decimal text. Both
    ends run on one machine, so the native byte order is shared. Ints, mixed rows and anything else stay JSON."""
    if type(value) is dict:
        return {k: pack(v, depth + 1) for k, v in value.items()} if depth < 2 * MAX_DEPTH else value
    if type(value) is not list or not value:
        return value
    flat = value
    if type(value[0]) is list:
        if set(map(type, value)) != {list} or len(set(map(len, value))) != 1:
            return [pack(v, depth + 1) for v in value] if depth < 2 * MAX_DEPTH else value
        flat = list(chained.from_iterable(value))
    if len(flat) < PACK_MIN or set(map(type, flat)) != {float}:
        return value if flat is value or depth >= 2 * MAX_DEPTH else [pack(v, depth + 1) for v in value]
    shape = f"{len(value)}" if flat is value else f"{len(value)},{len(value[0])}"
    return PACKED + shape + ":" + b2a_base64(pack_doubles(f"{len(flat)}d", *flat), newline=False).decode("ascii")


def unpack(value, depth=0):
    """value with every packed string turned back into its vector or matrix of floats; ValueError names what is
    malformed. The grader reads the child's answers with it: a shape must match the bytes that follow it."""
    if type(value) is str:
        return unpacked(value) if value.startswith(PACKED) else value
    if depth >= 2 * MAX_DEPTH:
        return value
    if type(value) is dict:
        return {k: unpack(v, depth + 1) for k, v in value.items()}
    if type(value) is list:
        return value if set(map(type, value)) <= NUMBERS else [unpack(v, depth + 1) for v in value]
    return value


def unpacked(text):
    """One packed string -> its list (N) or list of rows (N, M) of floats."""
    shape, _, data = text[len(PACKED):].partition(":")
    sizes = shape[:SHAPE_TEXT + 1].split(",")
    if len(shape) > SHAPE_TEXT or len(sizes) > 2 or not all(s.isascii() and s.isdigit() for s in sizes):
        raise ValueError("a packed list has a malformed shape")
    rows, columns = int(sizes[0]), int(sizes[-1]) if len(sizes) == 2 else 1
    if len(data) % 4 or not BASE64(data):
        raise ValueError("a packed list is not base64")
    data = a2b_base64(data)
    if rows < 1 or columns < 1 or len(data) != 8 * rows * columns:
        raise ValueError(f"a packed list of shape ({shape[:SHAPE_TEXT]}) holds {len(data)} bytes, not 8 per number")
    flat = memoryview(data).cast("d").tolist()
    return flat if len(sizes) == 1 else [flat[i:i + columns] for i in range(0, len(flat), columns)]


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


class State:
    """The loaded module, the objects built from it (by handle), and the last forward's arguments per handle."""

    def __init__(self):
        self.module, self.file, self.objects, self.kept, self.next = None, None, {}, {}, 1
        self.library = None  # the grader's library of layers, when the load request names one
        self.refusals, self.refusal_types, self.reserve = [], (), None
        self.draws = []  # generator states saved by "draw" requests, by number


STATE = State()


def load_library(path):
    """Run the grader's library of layers (a file in the sandbox) as its own module, before the submission."""
    with open(path, "rb") as f:
        source = f.read()
    module = types.ModuleType(LIBRARY)
    module.__file__ = path
    exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)
    sys.modules[LIBRARY] = module
    STATE.library = module


def load(request):
    """Compile and run the submission file as the module "submission"; -> the names of its classes (all, and
    those it defines itself)."""
    if request.get("library"):
        load_library(request["library"])
    path = request["file"]
    with open(path, "rb") as f:
        source = f.read()
    STATE.file = path
    code = compile(source, path, "exec", dont_inherit=True)  # a SyntaxError is reported as such
    sys.path.insert(0, os.path.dirname(path))
    module = types.ModuleType("submission")
    module.__file__ = path
    sys.modules["submission"] = module
    STATE.module = module
    exec(code, module.__dict__)
    classes = [(n, v) for n, v in list(vars(module).items()) if isinstance(n, str) and isinstance(v, type)]
    return {"classes": [n for n, _ in classes],
            "defined": [n for n, v in classes if type.__getattribute__(v, "__module__") == "submission"]}


def construct(request):
    cls = getattr(STATE.module, request["class"], None)
    if not isinstance(cls, type):
        raise LookupError(f"the file defines no class {request['class']}")
    obj = cls(*[built(a) for a in request["args"]])
    handle, STATE.next = STATE.next, STATE.next + 1
    STATE.objects[handle] = obj
    return {"handle": handle, **entries(obj, ("params", "grads"))}


def built(value):
    """A constructor argument: a layer description {"layer", "args", "params"} becomes a layer of the library."""
    if type(value) is list:
        return [built(v) for v in value]
    if type(value) is not dict:
        return value
    cls = getattr(STATE.library, value["layer"], None) if STATE.library is not None else None
    if not isinstance(cls, type):
        raise LookupError(f"the grader's library of layers has no {value['layer']}")
    layer = cls(*value["args"])
    for name, entry in value["params"].items():
        layer.params[name] = entry
    return layer


def entries(obj, names):
    """{"params": ..., "grads": ...} of obj (None where missing), with a "problems" dict for invalid ones."""
    out, problems = {}, {}
    for name in names:
        try:
            out[name] = plain_entries(getattr(obj, name, None), name)
        except NotPlain as e:
            out[name], problems[name] = None, str(e)
    if problems:
        out["problems"] = problems
    return out


def set_params(obj, sent):
    """Apply the grader's params: edit the existing lists in place ("edit") or replace the entry ("replace")."""
    params = obj.params
    for name, entry in sent.items():
        current = params.get(name) if hasattr(params, "get") else None
        if entry["mode"] == "edit" and same_shape(current, entry["value"]):
            overwrite(current, entry["value"])
        else:
            params[name] = entry["value"]


def same_shape(a, b):
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(same_shape(u, v) for u, v in zip(a, b))
    return not isinstance(a, list)


def overwrite(target, value):
    for i, v in enumerate(value):
        if isinstance(v, list):
            overwrite(target[i], v)
        else:
            target[i] = v


def call(request):
    """Call forward or backward of an object; report its result, grads, changed params and changed arguments."""
    handle, method, args = request["handle"], request["method"], request["args"]
    obj = STATE.objects[handle]
    if request.get("params"):
        set_params(obj, request["params"])
    params_before = params_copy(obj)
    before = [duplicate(a) for a in args]
    kept = STATE.kept.get(handle)
    result = getattr(obj, method)(*args)
    out = {"result": plain(result, "the result")}
    out.update(entries(obj, ("grads",)))
    if params_changed(params_copy(obj), params_before):
        out.update(entries(obj, ("params",)))
    changed = changes(args, before)
    if changed:
        out["args"] = changed
    if kept is not None and method != "forward":
        earlier = changes(*kept)
        if earlier:
            out["forward_args"] = earlier
    if method == "forward":
        STATE.kept[handle] = (args, [duplicate(a) for a in args] if changed else before)
    alias = aliases(result, args)
    if alias:
        out["alias"] = alias
    return out


def step(request):
    """Call an optimizer's step(params, grads) on plain dicts: report params after it, the entries and rows it
    replaced instead of editing them in place, and grads if it changed them."""
    obj = STATE.objects[request["handle"]]
    for name, value in (request.get("attributes") or {}).items():
        setattr(obj, name, value)  # lr, which a schedule sets between steps
    params, grads = request["params"], request["grads"]
    lists = {name: (p, list(p)) for name, p in params.items()}
    grads_before = {name: duplicate(g) for name, g in grads.items()}
    obj.step(params, grads)
    out = {"params": plain_entries(params, "params")}
    out["replaced"] = [n for n, (p, _) in lists.items() if n in params and params[n] is not p]
    out["rows"] = {n: [i for i, (a, b) in enumerate(zip(p, rows)) if type(b) is list and a is not b]
                   for n, (p, rows) in lists.items() if n in params and params[n] is p}
    if list(grads) != list(grads_before) or not all(unchanged(grads[n], g) for n, g in grads_before.items()):
        out["grads"] = plain_entries(grads, "grads")
    return out


def changes(args, before):
    """{index: the argument now} for every argument that differs from its copy taken before the call."""
    return {str(i): plain(a, f"argument {i}") for i, (a, b) in enumerate(zip(args, before)) if not unchanged(a, b)}


def params_changed(now, before):
    """Whether the params (as params_copy gives them) changed during a call."""
    if now is None or before is None:
        return now is not before
    return now[0] != before[0] or not all(unchanged(a, b) for a, b in zip(now[1], before[1]))


def params_copy(obj):
    """The params as [names, copies of their values], or None when there is no dict of them."""
    params = getattr(obj, "params", None)
    if type(params) is not dict:
        return None
    names = list(params)
    return [names, [duplicate(params[n]) for n in names]] if all(type(n) is str for n in names) else None


def aliases(result, args):
    """Where the result is one of the arguments, or shares rows with them: {"whole": k} or {"rows": {i: [k, j]}}."""
    for k, a in enumerate(args):
        if result is a:
            return {"whole": k}
    if not isinstance(result, list):
        return None
    inside = set(map(address, list.__iter__(result)))
    if all(not isinstance(a, list) or inside.isdisjoint(map(address, list.__iter__(a))) for a in args):
        return None
    rows = {address(row): (row, k, j) for k, a in enumerate(args) if isinstance(a, list) for j, row in enumerate(a)
            if isinstance(row, list)}
    shared = {}
    for i, r in enumerate(list.__iter__(result)):
        row, k, j = rows.get(address(r), (None, 0, 0))
        if row is r:
            shared[str(i)] = [k, j]
    return {"rows": shared} if shared else None


address = object.__hash__  # an object's identity, as id() gives it but with no audit event (the guard sees every id())



STATISTICS = ("running_mean", "running_var")  # what a layer keeps for evaluation (BatchNorm): read only


def attribute(request):
    """Read, or set then read, an object's mode `training` (True when it has none); or read one of its
    running statistics (None when it has none)."""
    obj, name = STATE.objects[request["handle"]], request.get("name")
    if name in STATISTICS:
        return {"value": getattr(obj, name, None)}
    if name != "training":
        raise LookupError("only the attributes training, running_mean and running_var can be read")
    if "value" in request:
        obj.training = request["value"] is True
    value = getattr(obj, "training", True)
    return {"value": value if type(value) is bool else bool(value)}


def draw(request):
    """Save the state of an object's generator `rng` (-> its number; None without one), or restore a saved one."""
    obj = STATE.objects[request["handle"]]
    generator = getattr(obj, "rng", None)
    if "restore" in request:
        generator.setstate(STATE.draws[request["restore"]])
        return {}
    if generator is None or not callable(getattr(generator, "getstate", None)):
        return {"state": None}
    STATE.draws.append(generator.getstate())
    return {"state": len(STATE.draws) - 1}


OPS = {"load": load, "construct": construct, "call": call, "step": step, "attribute": attribute, "draw": draw}


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
