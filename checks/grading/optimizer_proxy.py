"""An optimizer that follows specs/protocol.md in the grader while the submission's optimizer lives in the child.

A RemoteOptimizer sends step(params, grads) with the caller's dicts and
edits them here as the child's step edited its copies: entries and rows the
child replaced are replaced here too, so the in-place rule can be checked;
setting its lr sets the child's before the next step.
"""
from checks.grading import wire
from checks.grading.proxies import mirror


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
