"""Gradient checks of a layer or a loss through the protocol alone (specs/protocol.md).

check_layer and check_loss compare what backward returns with central
differences of forward, entry by entry, for the input and every parameter,
and return a GradReport that says where and by how much they disagree.
"""
import math
import random
from dataclasses import dataclass, field

from checks.finite_differences import Block, compare, deep_copy, random_matrix, shape_of

SHOWN = 3  # failing entries shown per block in a message


@dataclass
class GradReport:
    """The outcome of one gradient check: one Block per gradient, or a problem that stopped it."""

    component: str
    blocks: list = field(default_factory=list)
    problem: str = ""
    calls: dict = field(default_factory=lambda: {"forward": 0, "backward": 0})

    @property
    def passed(self):
        return not self.problem and all(b.passed for b in self.blocks)

    @property
    def worst_relative_error(self):
        return max((b.relative_error for b in self.blocks), default=0.0)

    @property
    def kinks(self):
        return [e for b in self.blocks for e in b.kinks]

    @property
    def spec(self):
        return f"specs/{self.component}.md"

    def message(self):
        """A few lines for a student: what failed, where, by how much, and what to reread."""
        if self.passed:
            return (f"{self.component}: gradients match finite differences "
                    f"(worst relative error {self.worst_relative_error:.1e}, {len(self.kinks)} kink entries).")
        lines = [f"{self.component}: gradient check failed."]
        if self.problem:
            lines.append(f"  {self.problem}")
        for block in self.blocks:
            lines.extend(describe(block))
        lines.append(f"  Reread {self.spec}, section \"Partial derivatives\".")
        return "\n".join(lines)


def describe(block):
    """Lines on one failing block: a structural problem, or its worst entries."""
    if block.passed:
        return []
    if block.problem:
        return [f"  {block.name}: {block.problem}"]
    failures = sorted(block.failures, key=lambda e: e.error - e.tolerance, reverse=True)
    lines = [f"  {block.name}: {len(failures)} of {len(block.entries)} entries disagree with finite differences"]
    for e in failures[:SHOWN]:
        lines.append(f"    {e.where()}: analytic {e.analytic:.6g}, numeric {e.numeric:.6g}, "
                     f"error {e.error:.2e} > tolerance {e.tolerance:.2e} (relative error {e.relative_error:.1e})")
    return lines


class Counted:
    """Calls forward and backward of a protocol object, counting them."""

    def __init__(self, obj, calls):
        self.obj, self.calls = obj, calls

    def forward(self, *args):
        self.calls["forward"] += 1
        return self.obj.forward(*args)

    def backward(self, *args):
        self.calls["backward"] += 1
        return self.obj.backward(*args)


def check_layer(layer, x, component="layer", seed=0):
    """Check backward(dy) of layer at the batch x (N, D) against finite differences, dy random."""
    report = GradReport(component)
    counted = Counted(layer, report.calls)
    x = deep_copy(x)
    try:
        y = counted.forward(deep_copy(x))
        if shape_of(y) is None or len(y) != len(x):
            report.problem = f"forward should return {len(x)} rows of floats (one per input row), got {short(y)}"
            return report
        dy = random_matrix(random.Random(seed), *shape_of(y))
        dx = counted.backward(deep_copy(dy))
        grads = {name: deep_copy(layer.grads.get(name)) for name in layer.params}

        def f():
            out = counted.forward(x)
            return math.fsum(o * g for o_row, g_row in zip(out, dy) for o, g in zip(o_row, g_row))

        report.blocks.append(compare("dx", dx, x, f))
        for name in layer.params:
            report.blocks.append(compare("d" + name, grads[name], layer.params[name], f))
    except Exception as e:  # a student's layer may raise anything; the report says what
        report.problem = f"{type(e).__name__} raised while checking: {e}"
    return report


def check_loss(loss, y_pred, y_true, component="loss"):
    """Check backward() of loss at (y_pred, y_true) against finite differences of forward."""
    report = GradReport(component)
    counted = Counted(loss, report.calls)
    y_pred = deep_copy(y_pred)
    try:
        value = counted.forward(deep_copy(y_pred), deep_copy(y_true))
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            report.problem = f"forward should return a finite float, got {short(value)}"
            return report
        d_pred = counted.backward()
        report.blocks.append(compare("dy_pred", d_pred, y_pred, lambda: counted.forward(y_pred, y_true)))
    except Exception as e:  # a student's loss may raise anything; the report says what
        report.problem = f"{type(e).__name__} raised while checking: {e}"
    return report


def short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
