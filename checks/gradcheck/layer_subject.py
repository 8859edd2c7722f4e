"""A layer as the subject of a gradient check: f = sum(forward(x) * dy), with dy random and signed.

Besides the probes, f and blocks (see subjects.py), it computes what a
wrong block may equal instead. per_row, upstream_ones and diagonal are read
off one sweep per block that keeps whole outputs (sweep), so each costs no
forward calls beyond the first of them. Once the probes have seen forward
edit its argument, f and the diagnosis hand it copies (forward), so the
edit cannot corrupt the numeric side: the probes report the edit, and the
blocks are still compared exactly.

Any rank: x is (N, D), (N, T, D), (N, C, H, W), ..., and so are y and dy; the
hypotheses that read entries as (row, column) (elementwise, wrong_points)
apply to rank 2 only. Integer ids (Embedding's input) are never perturbed: their dx block and the
extreme-input probe are skipped, and the earlier input is the ids reversed (specs/protocol.md). A stochastic layer's draw is held fixed (checks/held.py):
the state of its `rng` is saved before the first forward and restored before
every forward. A layer whose rows depend on each other (rows_independent =
False, e.g. batch statistics) is compared as a whole: every entry of x is
perturbed and f sums over the whole batch, so the cross-row terms count; the
per-row hypothesis of a parameter block still holds there, since dy masked to
one row gives that row's share of the whole batch's gradient.
"""
import random

from checks import nested
from checks.gradcheck import probes, slopes
from checks.held import held
from checks.gradcheck.finite_differences import Entry, judge, numeric_entries, sweep
from checks.gradcheck.subjects import Stop, Subject, earlier_point, integer_ids, short


class LayerSubject(Subject):
    """A layer checked through f = sum(forward(x) * dy), with dy random and signed."""

    kind = "layer"

    def __init__(self, layer, x, seed, spec, elementwise=None):
        self.layer, self.spec, self.is_elementwise, self.seed = layer, spec, elementwise, seed
        self.x, self.work = nested.copy(x), nested.copy(x)
        self.rng = random.Random(f"dy/{seed}")  # not random.Random(seed): points are often drawn from that one
        self.swept, self.edits = {}, False
        self.restore = held(layer)  # before the first forward: every forward then draws the same numbers

    def probe(self, findings):
        """Warm up at another input (so a stale cache shows), then forward, backward and the probes."""
        guard, x = probes.Guard(findings), self.x
        self.x_other = earlier_point(x)
        first = self.output(self.call(guard.give("x", self.x_other)), guard)
        self.dy = nested.gaussian(self.rng, nested.shape(first))
        self.backward(guard)
        self.y = self.output(self.call(guard.give("x", x)), guard)
        if nested.shape(self.y) != nested.shape(first):
            raise Stop("shape", f"forward returned shape {nested.shape(first)} for one batch and {nested.shape(self.y)} "
                       f"for another of the same shape", "the output shape must depend only on the input shape; "
                       "reread specs/protocol.md, \"Layers\"")
        self.rows, self.width = len(x), len(self.y[0])
        self.analytic = self.backward(guard)
        probes.repeat(self.analytic, lambda: self.backward(guard), findings, "backward")
        probes.repeat_forward(self.y, lambda: self.output(self.call(guard.give("x", x)), guard), findings)
        for label, big in [] if integer_ids(x) else probes.layer_extremes(x):  # ids have no magnitude to scale
            probes.stable(lambda: self.extreme(big, guard), label, self.spec, findings)
        self.edits = any(f.code == "mutates-input" for f in findings)

    def call(self, x):
        """The layer's forward, its draw (if it has one) put back first."""
        self.restore()
        return self.layer.forward(x)

    def output(self, y, guard):
        """Check forward's result: one row of floats per input row; returns a copy."""
        guard.inspect("forward")
        if nested.shape(y) is None or len(nested.shape(y)) < 2 or len(y) != len(self.x):
            raise Stop("shape", f"forward should return {len(self.x)} rows of floats (one per input row), "
                       f"got {short(y)}", f"forward returned {short(y, 40)} for a batch of {len(self.x)} rows, but a "
                       "layer returns one row of floats per input row; reread specs/protocol.md, \"Layers\"")
        return nested.copy(y)

    def backward(self, guard, dy=None):
        dx = self.layer.backward(guard.give("dy", dy or self.dy))
        guard.inspect("backward")
        outputs = {"dx": nested.copy(dx)}
        outputs.update({f"grads['{n}']": nested.copy(self.layer.grads.get(n)) for n in self.layer.params})
        return outputs

    def extreme(self, big, guard):
        y = self.call(guard.give("x", big))
        guard.inspect("forward")
        dy = self.dy if nested.shape(y) == nested.shape(self.dy) else None
        return {"y": y, **self.backward(guard, dy)}

    def forward(self, x):
        """The layer's forward, on a copy of x once it has been seen to edit its argument."""
        return self.call(nested.copy(x) if self.edits else x)

    def f(self):
        return nested.dot(self.forward(self.work), self.dy)

    def target(self, name):
        return self.work if name == "dx" else self.layer.params[name[1:]]

    def blocks(self):
        """dx (unless x holds integer ids, which are never perturbed: specs/protocol.md), then every parameter."""
        params = self.layer.params
        inputs = [] if integer_ids(self.x) else [("dx", self.work, self.analytic["dx"])]
        return inputs + [
            ("d" + n, params[n], self.analytic[f"grads['{n}']"]) for n in params]

    def sweep(self, name):
        """(index, five whole outputs) for every entry of the block's target, computed once per block."""
        if name not in self.swept:
            self.swept[name] = list(sweep(self.target(name), lambda: self.forward(self.work),
                                          self.y))
        return self.swept[name]

    def weighted(self, name, weights):
        """The numeric gradient of sum(forward(x) * weights) with respect to the block's target."""
        return [judge(name, index, 0.0, {k: nested.dot(out, weights) for k, out in outputs.items()})
                for index, outputs in self.sweep(name)]

    def per_row(self, name):
        if name == "dx" or self.rows < 2:
            return None
        return [self.weighted(name, [g if i == r else nested.apply(zero, g) for i, g in enumerate(self.dy)])
                for r in range(self.rows)]

    def upstream_ones(self, name):
        return self.weighted(name, nested.apply(lambda v: 1.0, self.dy))

    def diagonal(self, name):
        if name != "dx" or nested.shape(self.y) != nested.shape(self.x) or self.elementwise():
            return None
        return [judge(name, index, 0.0, {k: nested.read(out, index) * nested.read(self.dy, index)
                                         for k, out in outputs.items()}) for index, outputs in self.sweep(name)]

    def reshaped(self):
        """This layer at the batch with one more row (and one more column if it acts entry by entry)."""
        x = nested.copy(self.x) + earlier_point(self.x[:1])
        if self.elementwise():
            x = [row + [0.75 - 0.5 * row[0]] for row in x]
        return LayerSubject(self.layer, x, self.seed, self.spec, self.is_elementwise)

    def earlier(self, name):
        x_other = nested.copy(self.x_other)
        target = x_other if name == "dx" else self.layer.params[name[1:]]

        def f():
            return nested.dot(self.forward(x_other), self.dy)

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
        if self.is_elementwise is None and len(nested.shape(self.x) or ()) != 2:
            self.is_elementwise = False  # the elementwise hypotheses read (row, column) entries
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


def zero(value):
    return 0.0
