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
  shape of its input, dy_ij dy_ij/dx_ij, the diagonal of the Jacobian alone.
  Both, and per_row, are read off one sweep that keeps whole outputs;
- reshaped(): the same object at a second point with one more row (and, where
  the width is free, one more column), for factors that depend on the shape.

Once the probes have seen forward edit its argument, f and the diagnosis
hand it copies, so the edit cannot corrupt the numeric side: the probes
report the edit, and the blocks are still compared exactly.
"""
import math
import random

from checks import probes, slopes
from checks.finite_differences import Entry, deep_copy, judge, numeric_entries, random_matrix, shape_of, sweep


class Stop(Exception):
    """A problem that ends the check before any comparison: a diagnosis code, the problem and the evidence."""

    def __init__(self, code, problem, evidence):
        super().__init__(problem)
        self.code, self.problem, self.evidence = code, problem, evidence


class Counted:
    """Calls forward and backward of a protocol object, counting them; params and grads pass through."""

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
    """Another valid input of the same shape (0.75 - x / 2 stays in [0.25, 0.75] for probabilities)."""
    return [[0.75 - 0.5 * v for v in row] for row in x]


def short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def dot(y, dy):
    return math.fsum(o * g for o_row, g_row in zip(y, dy) for o, g in zip(o_row, g_row))


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


class LayerSubject(Subject):
    """A layer checked through f = sum(forward(x) * dy), with dy random and signed."""

    kind = "layer"

    def __init__(self, layer, x, seed, spec, elementwise=None):
        self.layer, self.spec, self.is_elementwise, self.seed = layer, spec, elementwise, seed
        self.x, self.work = deep_copy(x), deep_copy(x)
        self.rng = random.Random(f"dy/{seed}")  # not random.Random(seed): points are often drawn from that one
        self.swept, self.edits = {}, False

    def probe(self, findings):
        """Warm up at another input (so a stale cache shows), then forward, backward and the probes."""
        guard, x = probes.Guard(findings), self.x
        self.x_other = earlier_point(x)
        first = self.output(self.layer.forward(guard.give("x", self.x_other)), guard)
        self.dy = random_matrix(self.rng, *shape_of(first))
        self.backward(guard)
        self.y = self.output(self.layer.forward(guard.give("x", x)), guard)
        if shape_of(self.y) != shape_of(first):
            raise Stop("shape", f"forward returned shape {shape_of(first)} for one batch and {shape_of(self.y)} "
                       f"for another of the same shape", "the output shape must depend only on the input shape; "
                       "reread specs/protocol.md, \"Layers\"")
        self.rows, self.width = len(x), len(self.y[0])
        self.analytic = self.backward(guard)
        probes.repeat(self.analytic, lambda: self.backward(guard), findings, "backward")
        probes.repeat_forward(self.y, lambda: self.output(self.layer.forward(guard.give("x", x)), guard), findings)
        for label, big in probes.layer_extremes(x):
            probes.stable(lambda: self.extreme(big, guard), label, self.spec, findings)
        self.edits = any(f.code == "mutates-input" for f in findings)

    def output(self, y, guard):
        """Check forward's result: one row of floats per input row; returns a copy."""
        guard.inspect("forward")
        if shape_of(y) is None or len(shape_of(y)) != 2 or len(y) != len(self.x):
            raise Stop("shape", f"forward should return {len(self.x)} rows of floats (one per input row), "
                       f"got {short(y)}", f"forward returned {short(y, 40)} for a batch of {len(self.x)} rows, but a "
                       "layer returns one row of floats per input row; reread specs/protocol.md, \"Layers\"")
        return deep_copy(y)

    def backward(self, guard, dy=None):
        dx = self.layer.backward(guard.give("dy", dy or self.dy))
        guard.inspect("backward")
        outputs = {"dx": deep_copy(dx)}
        outputs.update({f"grads['{n}']": deep_copy(self.layer.grads.get(n)) for n in self.layer.params})
        return outputs

    def extreme(self, big, guard):
        y = self.layer.forward(guard.give("x", big))
        guard.inspect("forward")
        dy = self.dy if shape_of(y) == shape_of(self.dy) else None
        return {"y": y, **self.backward(guard, dy)}

    def forward(self, x):
        """The layer's forward, on a copy of x once it has been seen to edit its argument."""
        return self.layer.forward(deep_copy(x) if self.edits else x)

    def f(self):
        return dot(self.forward(self.work), self.dy)

    def target(self, name):
        return self.work if name == "dx" else self.layer.params[name[1:]]

    def blocks(self):
        params = self.layer.params
        return [("dx", self.work, self.analytic["dx"])] + [
            ("d" + n, params[n], self.analytic[f"grads['{n}']"]) for n in params]

    def sweep(self, name):
        """(index, five whole outputs) for every entry of the block's target, computed once per block."""
        if name not in self.swept:
            self.swept[name] = list(sweep(self.target(name), lambda: self.forward(self.work),
                                          self.y))
        return self.swept[name]

    def weighted(self, name, weights):
        """The numeric gradient of sum(forward(x) * weights) with respect to the block's target."""
        return [judge(name, index, 0.0, {k: dot(out, weights) for k, out in outputs.items()})
                for index, outputs in self.sweep(name)]

    def per_row(self, name):
        if name == "dx" or self.rows < 2:
            return None
        return [self.weighted(name, [g if i == r else [0.0] * len(g) for i, g in enumerate(self.dy)])
                for r in range(self.rows)]

    def upstream_ones(self, name):
        return self.weighted(name, [[1.0] * len(row) for row in self.dy])

    def diagonal(self, name):
        if name != "dx" or shape_of(self.y) != shape_of(self.x) or self.elementwise():
            return None
        return [judge(name, (i, j), 0.0, {k: out[i][j] * self.dy[i][j] for k, out in outputs.items()})
                for (i, j), outputs in self.sweep(name)]

    def reshaped(self):
        """This layer at the batch with one more row (and one more column if it acts entry by entry)."""
        x = deep_copy(self.x) + earlier_point(self.x[:1])
        if self.elementwise():
            x = [row + [0.75 - 0.5 * row[0]] for row in x]
        return LayerSubject(self.layer, x, self.seed, self.spec, self.is_elementwise)

    def earlier(self, name):
        x_other = deep_copy(self.x_other)
        target = x_other if name == "dx" else self.layer.params[name[1:]]

        def f():
            return dot(self.forward(x_other), self.dy)

        return numeric_entries(name, target, f, f())

    def wrong_points(self, name):
        if name != "dx" or not self.elementwise():
            return None
        forward = self.forward
        at_output = slopes.slopes(forward, self.y)
        z = slopes.inverse(forward, self.x)
        at_inverse = slopes.slopes(forward, [[0.0 if v is None else v for v in row] for row in z])
        g = self.output_form()  # reaches the x outside the range of f, where z does not exist
        at_dy = slopes.slopes(forward, self.dy)
        g_at_dy = {index: Entry("dx", index, 0.0, g(self.dy[index[0]][index[1]]) * self.dy[index[0]][index[1]],
                                slopes.FIT * (1.0 + abs(self.dy[index[0]][index[1]])) ** 4)
                   for index in at_dy} if g else {}
        return [("output", self.times_dy(at_output)), ("inverse", self.times_dy(at_inverse, z, g)),
                ("dy", self.times_dy(at_dy)), ("dy-form", g_at_dy)]

    def output_form(self):
        try:
            return slopes.output_form(self.forward)
        except Exception:  # a wrong layer may refuse the grid
            return None

    @property
    def width_free(self):
        return self.elementwise()

    def elementwise(self):
        if self.is_elementwise is None:
            self.is_elementwise = slopes.elementwise(self.forward, self.x, self.y)
        return self.is_elementwise

    def times_dy(self, slope, z=None, g=None):
        """{index: the dx entry dy * slope would give}; where z (the inverse) is None, dy * g(x), or None."""
        out = {}
        for (i, j), s in slope.items():
            dy, x = self.dy[i][j], self.x[i][j]
            if z is None or z[i][j] is not None:
                ends = sorted((s.low * dy, s.high * dy))
                out[(i, j)] = Entry("dx", (i, j), 0.0, s.numeric * dy, s.tolerance * abs(dy), s.kink, *ends)
            elif g is not None:
                out[(i, j)] = Entry("dx", (i, j), 0.0, g(x) * dy, slopes.FIT * abs(dy) * (1.0 + abs(x)) ** 3)
            else:
                out[(i, j)] = None
        return out


class LossSubject(Subject):
    """A loss checked through f = forward(y_pred, y_true) itself."""

    kind = "loss"
    width_free = True

    def __init__(self, loss, y_pred, y_true, spec):
        self.loss, self.spec = loss, spec
        self.y_pred, self.y_true, self.work = deep_copy(y_pred), deep_copy(y_true), deep_copy(y_pred)

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
        return {"dy_pred": deep_copy(d_pred)}

    def f(self):
        return self.loss.forward(deep_copy(self.work), deep_copy(self.y_true))

    def blocks(self):
        return [("dy_pred", self.work, self.analytic["dy_pred"])]

    def reshaped(self):
        """This loss at one more row and one more column (targets given per entry get a column too)."""
        y_pred = [row + [0.75 - 0.5 * row[0]] for row in self.y_pred + earlier_point(self.y_pred[:1])]
        y_true = deep_copy(self.y_true) + deep_copy(self.y_true[:1])
        if all(isinstance(row, list) and len(row) == self.width for row in y_true):
            y_true = [row + [row[0]] for row in y_true]
        return LossSubject(self.loss, y_pred, y_true, self.spec)

    def earlier(self, name):
        y_other = deep_copy(self.y_other)

        def f():
            return self.loss.forward(deep_copy(y_other), deep_copy(self.y_true))

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
        self.analytic = {n: deep_copy(gradient.get(n)) for n in self.params}

    def blocks(self):
        return [("d" + n, self.params[n], self.analytic[n]) for n in self.params]
