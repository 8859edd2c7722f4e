"""What a gradient check looks at: a layer, a loss or a scalar function, through the protocol alone.

A subject first runs the protocol probes (probe), then offers f, the scalar
whose gradient is checked, and blocks(): (name, the list that finite
differences perturb in place, the analytic gradient). For the diagnosis it
also computes, only when asked, gradients a wrong block may equal instead:

- per_row(name): the numeric gradient of each row of the batch on its own
  (dy masked to that row), for a parameter block;
- earlier(name): the numeric gradient at the input of an earlier forward call;
- wrong_points(name): for dx of an elementwise layer, dy times the layer's
  slope at its output y, at f^-1(x) (see slopes.py), and at dy itself;
- upstream_ones(name): the numeric gradient with dy all ones (the local
  derivative alone); diagonal(name): for dx of a layer whose output has the
  shape of its input, dy_ij d(y_ij)/d(x_ij), the diagonal of the Jacobian;
- reshaped(): the same object at a second point with one more row (and, where
  the width is free, one more column), for factors that depend on the shape.

A layer is a LayerSubject (layer_subject.py); a loss a LossSubject and a
scalar function of params a FunctionSubject (here). A loss's f hands the
loss copies, so a forward that edits its arguments cannot corrupt the
numeric side.
"""
import math

from checks import nested
from checks.gradcheck import probes
from checks.held import Passing
from checks.gradcheck.finite_differences import numeric_entries


class Stop(Exception):
    """A problem that ends the check before any comparison: a diagnosis code, the problem and the evidence."""

    def __init__(self, code, problem, evidence):
        super().__init__(problem)
        self.code, self.problem, self.evidence = code, problem, evidence


class Counted(Passing):
    """Calls forward and backward of a protocol object, counting them; params, grads, training, rng pass through."""

    def __init__(self, obj, calls):
        self.obj, self.calls = obj, calls

    @property
    def params(self):
        return self.obj.params

    @property
    def grads(self):
        return self.obj.grads

    def forward(self, *args):
        self.calls["forward"] += 1
        return self.obj.forward(*args)

    def backward(self, *args):
        self.calls["backward"] += 1
        return self.obj.backward(*args)


def earlier_point(x):
    """Another valid input of the same shape (0.75 - x / 2 stays in [0.25, 0.75] for probabilities); for integer
    ids, the same ids in reversed order (specs/protocol.md, "Integer inputs")."""
    if integer_ids(x):
        return nested.unflatten(nested.flatten(x)[::-1], nested.shape(x))
    return nested.apply(lambda v: 0.75 - 0.5 * v, x)


def integer_ids(x):
    """Whether every entry of x is an int (not a bool): ids, which the checker never perturbs."""
    entries = nested.flatten(x)
    return bool(entries) and all(isinstance(v, int) and not isinstance(v, bool) for v in entries)


def short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class Subject:
    """Defaults: no batch structure, nothing to compare a wrong block with."""

    rows = width = None
    width_free = False  # whether the subject takes batches of another width (reshaped adds a column)

    def per_row(self, name):
        return None

    def earlier(self, name):
        return None

    def wrong_points(self, name):
        return None

    def upstream_ones(self, name):
        return None

    def diagonal(self, name):
        return None

    def reshaped(self):
        return None


class LossSubject(Subject):
    """A loss checked through f = forward(y_pred, y_true) itself."""

    kind = "loss"
    width_free = True

    def __init__(self, loss, y_pred, y_true, spec):
        self.loss, self.spec = loss, spec
        self.y_pred, self.y_true, self.work = nested.copy(y_pred), nested.copy(y_true), nested.copy(y_pred)

    def probe(self, findings):
        guard = probes.Guard(findings)
        self.y_other = earlier_point(self.y_pred)
        self.call(guard, self.y_other)
        value = self.call(guard, self.y_pred)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            code = "unstable" if isinstance(value, float) else "shape"
            raise Stop(code, f"forward should return a finite float, got {short(value)}",
                       f"forward returned {short(value, 40)} where the loss must be one finite float; "
                       f"reread specs/protocol.md, \"Losses\"")
        self.rows, self.width = len(self.y_pred), len(self.y_pred[0])
        self.analytic = self.backward(guard)
        probes.repeat(self.analytic, lambda: self.backward(guard), findings, "backward")
        probes.repeat_forward(value, lambda: self.call(guard, self.y_pred), findings, "L")
        for label, extreme in probes.loss_extremes(self.y_pred):
            probes.stable(lambda: {"L": self.call(guard, extreme), **self.backward(guard)}, label, self.spec,
                          findings)

    def call(self, guard, y_pred):
        value = self.loss.forward(guard.give("y_pred", y_pred), guard.give("y_true", self.y_true))
        guard.inspect("forward")
        return value

    def backward(self, guard):
        d_pred = self.loss.backward()
        guard.inspect("backward")
        return {"dy_pred": nested.copy(d_pred)}

    def f(self):
        return self.loss.forward(nested.copy(self.work), nested.copy(self.y_true))

    def blocks(self):
        return [("dy_pred", self.work, self.analytic["dy_pred"])]

    def reshaped(self):
        """This loss at one more row and one more column (targets given per entry get a column too)."""
        y_pred = [row + [0.75 - 0.5 * row[0]] for row in self.y_pred + earlier_point(self.y_pred[:1])]
        y_true = nested.copy(self.y_true) + nested.copy(self.y_true[:1])
        if all(isinstance(row, list) and len(row) == self.width for row in y_true):
            y_true = [row + [row[0]] for row in y_true]
        return LossSubject(self.loss, y_pred, y_true, self.spec)

    def earlier(self, name):
        y_other = nested.copy(self.y_other)

        def f():
            return self.loss.forward(nested.copy(y_other), nested.copy(self.y_true))

        return numeric_entries(name, y_other, f, f())


class FunctionSubject(Subject):
    """A scalar function of a params dict, e.g. a regularization term, and its claimed gradient."""

    kind = "function"

    def __init__(self, function, gradient, params, spec, calls):
        self.function, self.gradient, self.params, self.spec, self.calls = function, gradient, params, spec, calls

    def f(self):
        self.calls["forward"] += 1
        return self.function()

    def probe(self, findings):
        value = self.f()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise Stop("shape" if not isinstance(value, float) else "unstable",
                       f"the function should return a finite float, got {short(value)}",
                       f"the function returned {short(value, 40)} where one finite float was expected")
        probes.repeat_forward(value, self.f, findings, "f", call="the function")
        gradient = self.gradient
        if callable(gradient):
            self.calls["backward"] += 1
            gradient = gradient()
        self.analytic = {n: nested.copy(gradient.get(n)) for n in self.params}

    def blocks(self):
        return [("d" + n, self.params[n], self.analytic[n]) for n in self.params]
