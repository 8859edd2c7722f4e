"""Each breach charged once: the checks after the protocol rules see the submission with its known breaches mended.

When a rule check finds that grads accumulate, that backward reads a stale
cache, or that arguments are modified in place, that rule loses its points;
the properties, the training and the baseline then run on Insulated(cls,
breaches), which builds objects that keep those rules on the submission's
behalf (each backward's own increment of grads, a forward of the latest input
just before backward, copies of every argument). With no breach found the
class itself is used, unchanged.
"""
import operator

from checks import nested
from checks.held import Passing

ACCUMULATES, STALE_CACHE, MUTATES_INPUT = "accumulates", "stale-cache", "mutates-input"
MENDED = (ACCUMULATES, STALE_CACHE, MUTATES_INPUT)


def insulated(implementation, breaches):
    """The implementation, or a factory whose objects mend the breaches found (codes of MENDED)."""
    found = frozenset(b for b in breaches if b in MENDED)
    return Insulated(implementation, found) if found else implementation


class Insulated:
    """Called like the submitted class (positionally); wraps each object it builds."""

    def __init__(self, implementation, breaches):
        self.implementation, self.breaches = implementation, breaches
        self.__name__ = getattr(implementation, "__name__", "Insulated")

    def __call__(self, *args):
        return Mended(self.implementation(*args), self.breaches)


class Mended(Passing):
    """A layer or a loss, seen as if it kept rules 1 and 3 of specs/protocol.md."""

    def __init__(self, obj, breaches):
        self.obj, self.breaches, self.args, self.own_grads = obj, breaches, None, None

    @property
    def params(self):
        return self.obj.params

    @property
    def grads(self):
        return self.own_grads if self.own_grads is not None else self.obj.grads

    def given(self, args):
        return nested.copy(list(args)) if self.breaches & {MUTATES_INPUT, STALE_CACHE} else list(args)

    def forward(self, *args):
        self.args = self.given(args)
        return self.obj.forward(*self.given(args))

    def backward(self, *args):
        if STALE_CACHE in self.breaches and self.args is not None:
            self.obj.forward(*nested.copy(self.args))
        grads = getattr(self.obj, "grads", None) if ACCUMULATES in self.breaches else None  # a loss has none
        before = {n: nested.copy(g) for n, g in grads.items()} if isinstance(grads, dict) else None
        dx = self.obj.backward(*self.given(args))
        if before is not None:
            self.own_grads = {n: nested.combine(operator.sub, g, before[n]) if n in before else g for n, g in self.obj.grads.items()}
        return dx
