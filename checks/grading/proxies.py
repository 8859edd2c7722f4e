"""Layers and losses that follow specs/protocol.md in the grader while the submission's objects live in the child.

A RemoteLayer keeps `params` and `grads` as plain local dicts of nested
lists, so the existing checks run on it unchanged:

- forward(x) and backward(dy) first send the local params that changed since
  the child last had them, each as an edit of the child's lists in place, or
  as a replacement when the local entry is a new list (the checker perturbs
  entries in place; a property may replace them: rule 2 of the protocol);
  the answer refreshes grads;
- what the child changed shows here as well: params it edited, arguments it
  modified (edited back into the caller's lists, so the argument-mutation
  probes see them) and results that are the arguments themselves;
- results are checked to be nested lists of finite numbers (InvalidValue).

Its `training` reads and sets the child's object's mode; its `rng` is a
RemoteDraw: getstate() saves the state of the child's object's generator there
(and returns its number, or None when the object has no `rng`), setstate()
restores it, so a checker holds a stochastic layer's draw fixed as it does
locally (checks/held.py).

A RemoteLoss does the same for forward(y_pred, y_true) and backward().
"""
from checks.grading import wire
from checks.grading.child_values import duplicate


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
