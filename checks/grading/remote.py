"""Proxies that follow specs/protocol.md in the grader while the submission runs in the child.

Remote(child) loads the file; remote.implementation(class_name, kind) is a
factory that is called like the class (positionally) and builds objects in
the child. A RemoteLayer keeps `params` and `grads` as plain local dicts of
nested lists, so the existing checks run on it unchanged:

- forward(x) and backward(dy) first send the local params that changed since
  the child last had them, each as an edit of the child's lists in place, or
  as a replacement when the local entry is a new list (the checker perturbs
  entries in place; a property may replace them: rule 2 of the protocol);
  the answer refreshes grads;
- what the child changed shows here as well: params it edited, arguments it
  modified (edited back into the caller's lists, so the argument-mutation
  probes see them) and results that are the arguments themselves;
- results are checked to be nested lists of finite numbers (InvalidValue),
  and an exception in the submission is raised here under its own type name.

Its `training` reads and sets the child's object's mode; its `rng` is a
RemoteDraw: getstate() saves the state of the child's object's generator there
(and returns its number, or None when the object has no `rng`), setstate()
restores it, so a checker holds a stochastic layer's draw fixed as it does
locally (checks/held.py).

A RemoteLoss does the same for forward(y_pred, y_true) and backward().

A RemoteOptimizer sends step(params, grads) with the caller's dicts and
edits them here as the child's step edited its copies: entries and rows the
child replaced are replaced here too, so the in-place rule can be checked;
setting its lr sets the child's before the next step.

Layers given to a constructor (a network's layers) cross as descriptions,
{"layer", "args", "params"}: the child builds them from the grader's library
of layers (checks/grading/samples.py) with exactly these params.
"""
from checks import nested
from checks.grading import wire
from checks.grading.process import Raised
from checks.grading.runner import duplicate

_ERRORS = {}


class SubmissionError(Exception):
    """An exception raised by the submission in the child; the subclass carries the submission's type name."""

    line = None


def raised(error):
    """A Raised from the child as an exception whose class has the submission's type name."""
    name = error.type_name if error.type_name.isidentifier() else "Exception"
    cls = _ERRORS.get(name) or _ERRORS.setdefault(name, type(name, (SubmissionError,), {"__module__": "submission"}))
    e = cls(error.text)
    e.line, e.refused = error.line, error.refused
    return e


class Remote:
    """The submission loaded in a child: load it, build its objects, call their methods."""

    def __init__(self, child):
        self.child = child
        self.not_implemented = []  # the methods that raised NotImplementedError, in order
        self.not_implemented_raised = 0  # how many calls raised NotImplementedError so far

    def load(self, path):
        """Import the file in the child; -> (names of its classes, those it defines itself). Raises on an error."""
        library = {"library": self.child.library} if self.child.library else {}
        value = self.request("load", "importing the file", timeout=self.child.limits.load, file=path, **library)
        try:
            names = [wire.field(value, key, list, "the answer to load") for key in ("classes", "defined")]
        except wire.ProtocolError as e:
            raise self.broken(e)
        return tuple(wire.safe_list(found, cap=1000, limit=100) for found in names)

    def broken(self, error):
        """The child answered outside the wire format: it is gone, as crashed."""
        return self.child.fail("crashed", f"the submission broke the grader's channel: {error}")

    def implementation(self, class_name, kind):
        return Implementation(self, class_name, kind)

    def request(self, op, what, timeout=None, **fields):
        try:
            return self.child.request(op, what, timeout, **fields)
        except Raised as error:
            if error.type_name == "NotImplementedError":
                self.not_implemented_raised += 1
                if what not in self.not_implemented:
                    self.not_implemented.append(what)
            raise raised(error) from None


class Implementation:
    """Called like the submitted class, positionally: builds an instance in the child and returns its proxy."""

    def __init__(self, remote, class_name, kind):
        self.remote, self.__name__, self.kind = remote, class_name, kind

    def __call__(self, *args):
        sent = [described(a) for a in args]
        value = self.remote.request("construct", "the constructor", **{"class": self.__name__, "args": sent})
        try:
            handle = wire.field(value, "handle", int, "the answer to construct")
            if self.kind == "optimizer":
                return RemoteOptimizer(self.remote, handle, self.__name__, args[0] if args else None)
            proxy = (RemoteLoss if self.kind == "loss" else RemoteLayer)(self.remote, handle, self.__name__)
            proxy.refresh(value)
        except wire.ProtocolError as e:
            raise self.remote.broken(e)
        return proxy


LAYER_ARGUMENTS = {  # the positional constructor arguments of a library layer, read off a layer of the grader
    "Dense": lambda layer: [len(layer.params["W"]), len(layer.params["W"][0])],
    "LeakyReLU": lambda layer: [layer.alpha],
}


def described(value):
    """A constructor argument as it crosses to the child: a layer becomes {"layer", "args", "params"}."""
    if isinstance(value, list):
        return [described(v) for v in value]
    if isinstance(value, (RemoteObject, RemoteOptimizer)):
        raise TypeError(f"a submitted {value._class} cannot be given to a constructor: the child builds a "
                        "network's layers from the grader's library")
    if hasattr(value, "params") and hasattr(value, "forward"):
        name = type(value).__name__
        arguments = LAYER_ARGUMENTS.get(name, lambda layer: [])(value)
        return {"layer": name, "args": arguments, "params": {n: nested.copy(p) for n, p in value.params.items()}}
    return value


class RemoteObject:
    """What layers and losses share: a handle in the child, and calls that mirror the child's changes here."""

    def __init__(self, remote, handle, class_name):
        self._remote, self._handle, self._class = remote, handle, class_name
        self._params = self._grads = None
        self._problems, self._synced, self._forward_args = {}, {}, []

    def refresh(self, value):
        """Take params and grads (and their problems) from an answer."""
        problems = value.get("problems") if isinstance(value.get("problems"), dict) else {}
        self._problems.update({wire.safe(k, 60, lines=False): wire.safe(v) for k, v in problems.items()
                               if isinstance(v, str)})
        if "params" in value:
            self._take_params(wire.entries(value["params"], "params", finite=False))
        if "grads" in value:
            self._grads = wire.entries(value["grads"], "grads")

    def _take_params(self, params):
        if params is None or self._params is None:
            self._params = params
        else:
            for name in [n for n in self._params if n not in params]:
                del self._params[name]
            for name, value in params.items():
                current = self._params.get(name)
                if isinstance(current, list) and isinstance(value, list):
                    mirror(current, value)
                else:
                    self._params[name] = value
        self._sync()

    def _entries(self, name, value):
        if value is None:
            problem = self._problems.get(name) or f"it has no dict attribute '{name}'"
            raise AttributeError(f"the {self._class} object's {name} cannot be used: {problem}; every layer has "
                                 f"params and grads (specs/protocol.md, \"Layers\")")
        return value

    def _payload(self):
        """The local params that changed since the child last had them: "edit" for the same lists edited in
        place, "replace" for new ones. Unchanged entries are not sent: the child holds the same values."""
        payload = {}
        for name, value in (self._params or {}).items():
            synced, copy = self._synced.get(name, (None, None))
            if synced is not value:
                payload[name] = {"mode": "replace", "value": value}
            elif value != copy:
                payload[name] = {"mode": "edit", "value": value}
        return payload

    def _sync(self):
        """Remember what the child now holds: each params entry's list and a copy of its values."""
        self._synced = {name: (value, duplicate(value)) for name, value in (self._params or {}).items()}

    def _call(self, method, args):
        payload = self._payload()
        self._sync()  # the child applies them before it calls the method
        value = self._remote.request("call", method, handle=self._handle, method=method, args=list(args),
                                     params=payload)
        try:
            if not isinstance(value, dict) or "result" not in value:
                raise wire.ProtocolError(f"the answer to {method} has no result")
            self.refresh(value)
        except wire.ProtocolError as e:
            raise self._remote.broken(e)
        self._mirror_arguments(value.get("args"), list(args))
        self._mirror_arguments(value.get("forward_args"), self._forward_args)
        if method == "forward":
            self._forward_args = list(args)
        return self._result(method, value, list(args))

    def _mirror_arguments(self, changed, args):
        if not isinstance(changed, dict):
            return
        for key, value in changed.items():
            k = int(key) if key.isdigit() else -1
            if 0 <= k < len(args) and isinstance(args[k], list):
                mirror(args[k], wire.numbers(value, f"argument {k}", finite=False))

    def _result(self, method, value, args):
        result = wire.numbers(value["result"], f"the result of {method}")
        alias = value.get("alias")
        if isinstance(alias, dict):
            whole = alias.get("whole")
            if isinstance(whole, int) and 0 <= whole < len(args):
                return args[whole]
            rows = alias.get("rows") if isinstance(alias.get("rows"), dict) else {}
            for i, (k, j) in ((int(i), kj) for i, kj in rows.items() if i.isdigit() and valid_pair(kj)):
                if i < len(result) and k < len(args) and isinstance(args[k], list) and j < len(args[k]):
                    result[i] = args[k][j]
        return result


def valid_pair(value):
    return (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and v >= 0 for v in value))


class RemoteLayer(RemoteObject):
    """A layer in the child: params, grads, forward(x), backward(dy)."""

    @property
    def params(self):
        return self._entries("params", self._params)

    @property
    def grads(self):
        return self._entries("grads", self._grads)

    def forward(self, x):
        return self._call("forward", [x])

    def backward(self, dy):
        return self._call("backward", [dy])

    @property
    def training(self):
        value = self._remote.request("attribute", "training", handle=self._handle, name="training")
        return wire.field(value, "value", bool, "the answer about training")

    @training.setter
    def training(self, value):
        self._remote.request("attribute", "training", handle=self._handle, name="training", value=bool(value))

    @property
    def rng(self):
        return RemoteDraw(self._remote, self._handle)

    @property
    def running_mean(self):
        return self._statistic("running_mean")

    @property
    def running_var(self):
        return self._statistic("running_var")

    def _statistic(self, name):
        """A running statistic the child's layer keeps for evaluation: a copy, checked to be numbers."""
        value = self._remote.request("attribute", name, handle=self._handle, name=name)
        found = value.get("value") if isinstance(value, dict) else None
        if found is None:
            raise AttributeError(f"the layer has no attribute '{name}'")
        return wire.numbers(found, name)


class RemoteDraw:
    """The generator of an object in the child, as far as a checker uses it: save its state, restore it."""

    def __init__(self, remote, handle):
        self._remote, self._handle = remote, handle

    def getstate(self):
        """Save the state in the child; -> its number there, or None when the object has no generator."""
        value = self._remote.request("draw", "rng", handle=self._handle)
        state = value.get("state") if isinstance(value, dict) else None
        return state if isinstance(state, int) and not isinstance(state, bool) else None

    def setstate(self, state):
        self._remote.request("draw", "rng", handle=self._handle, restore=state)


class RemoteLoss(RemoteObject):
    """A loss in the child: forward(y_pred, y_true) -> L, backward() -> dL/dy_pred."""

    def forward(self, y_pred, y_true):
        return self._call("forward", [y_pred, y_true])

    def backward(self):
        return self._call("backward", [])


class RemoteOptimizer:
    """An optimizer in the child: step(params, grads) edits params here as the child's step edited its copy."""

    def __init__(self, remote, handle, class_name, lr):
        self._remote, self._handle, self._class = remote, handle, class_name
        self._lr, self._lr_set = lr, False

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        """A schedule sets lr between steps; the child's optimizer gets it with the next step."""
        self._lr, self._lr_set = value, True

    def step(self, params, grads):
        names = list(params)
        attributes = {"lr": self._lr} if self._lr_set else {}
        value = self._remote.request("step", "step", handle=self._handle, attributes=attributes,
                                     params={n: params[n] for n in names}, grads={n: grads[n] for n in grads})
        self._lr_set = False
        try:
            found = wire.entries(wire.field(value, "params", dict, "the answer to step"), "params", finite=False)
            changed = wire.entries(value.get("grads"), "grads", finite=False)
        except wire.ProtocolError as e:
            raise self._remote.broken(e)
        replaced = value.get("replaced") if isinstance(value.get("replaced"), list) else []
        rows = value.get("rows") if isinstance(value.get("rows"), dict) else {}
        take(params, found, replaced, rows)
        if changed is not None:
            take(grads, changed, [], {})


def take(entries, found, replaced, rows):
    """Make the dict (or mapping) entries hold found, replacing the entries and rows the child replaced."""
    for name in [n for n in list(entries) if n not in found]:
        del entries[name]
    for name, value in found.items():
        current = entries[name] if name in entries else None
        if name in replaced or not isinstance(current, list) or not isinstance(value, list):
            entries[name] = value
            continue
        fresh = rows.get(name) if isinstance(rows.get(name), list) else []
        for i in fresh:
            if isinstance(i, int) and 0 <= i < min(len(current), len(value)):
                current[i] = value[i]
        mirror(current, value)


def mirror(local, value):
    """Make the list local equal value in place, keeping local's nested lists where the lengths agree."""
    if not isinstance(value, list) or len(local) != len(value):
        local[:] = value if isinstance(value, list) else [value]
        return
    for i, v in enumerate(value):
        if isinstance(v, list) and isinstance(local[i], list):
            mirror(local[i], v)
        elif local[i] != v or type(local[i]) is not type(v):
            local[i] = v
