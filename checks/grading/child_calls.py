"""The operations the child answers: load the submission, construct objects, call them, step an optimizer.

A child-side module (runner.py loads it in the child and dispatches each
request to OPS). Objects built from the submission are kept by handle in
STATE. A graded network (Sequential) is built from layers the grader
describes, {"layer", "args", "params"}: they come from the grader's library
of layers, a file in the sandbox that the load request names, never from the
project. An optimizer answers "step" requests on plain dicts of params and
grads. Every answer is a description (results, grads, what changed), never a
verdict.
"""
import builtins
import os
import sys
import types

if __package__:  # the grader imports this module as part of checks.grading
    from checks.grading.child_values import (NotPlain, aliases, changes, duplicate, params_changed, params_copy, plain,
                                     plain_entries, unchanged)
else:  # the child: runner.py has loaded the child-side modules under their bare names
    from child_values import (NotPlain, aliases, changes, duplicate, params_changed, params_copy, plain, plain_entries,
                              unchanged)

__builtins__ = dict(vars(builtins))  # the functions below keep this copy: patching builtins does not reach them

LIBRARY = "network_layers"  # the module name of the grader's library of layers, when a network is graded


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
