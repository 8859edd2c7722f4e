"""A gallery of planted wrong implementations: each class carries one bug a learner might write.

Each class names its component, the block the bug shows in, and the
diagnosis a checker should give. Tests feed them to the checks and assert
that the checks fail, where, and why. The classes live in one module per
family (tests/planted_course.py, tests/planted_<family>.py): a grading test
turns a class into a learner's file made of its module's source, so a
module of classes imports nothing of tests/.

GRADIENT_BUGS show in a gradient block (dx, dW, db, dy_pred): the block is
its name in the report. PROTOCOL_BUGS break a rule of specs/protocol.md that
the probes catch: their block is "protocol" (a line "  protocol: ..." of the
report), or "forward" for an output of the wrong shape. PROPERTY_BUGS agree
with their own forward, so no gradient check can see them; the property they
break is named, with words its message must contain.
"""
from tests import planted_convolution, planted_course, planted_recurrence
from tests.planted_convolution import *  # noqa: F401,F403  (every planted class, by its name)
from tests.planted_course import *  # noqa: F401,F403
from tests.planted_recurrence import *  # noqa: F401,F403

FAMILIES = (planted_course, planted_convolution, planted_recurrence)


def planted(module_globals):
    """The planted classes of a module, in the order they are written: those that name a component."""
    return [v for v in module_globals.values() if isinstance(v, type) and "component" in vars(v)]


EVERY = [c for family in FAMILIES for c in planted(vars(family))]
GRADIENT_BUGS = [c for c in EVERY if getattr(c, "block", "protocol") not in ("protocol", "forward")]
PROTOCOL_BUGS = [c for c in EVERY if getattr(c, "block", None) in ("protocol", "forward")]
PROPERTY_BUGS = [c for c in EVERY if "property" in vars(c)]  # caught by a named property
