"""A layer as the subject of a gradient check: f = sum(forward(x) * dy), with dy random and signed.

Besides the probes, f and blocks (see subjects.py), it computes what a
wrong block may equal instead. per_row, upstream_ones and diagonal are read
off one sweep per block that keeps whole outputs (sweep), so each costs no
forward calls beyond the first of them. Once the probes have seen forward
edit its argument, f and the diagnosis hand it copies (forward), so the
edit cannot corrupt the numeric side: the probes report the edit, and the
blocks are still compared exactly.
"""
import random

from checks import probes, slopes
from checks.finite_differences import Entry, deep_copy, judge, numeric_entries, random_matrix, shape_of, sweep
from checks.subjects import Stop, Subject, dot, earlier_point, short


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
