"""What kind a component is, and what its baseline task is: names the light commands need too.

`python3 -m checks template` and every command's --help run with the
standard library alone, before hypothesis is installed; they read a
component's class and kind here, from reference/, whose classes are the
protocol (specs/protocol.md). checks/components.py declares the same class
names for the checks; tests/grading/test_learner_bare_python.py asserts
that the two agree for every gradable component.
"""
import inspect

import reference

LAYER, LOSS, INITIALIZER = "layer", "loss", "initializer"
OPTIMIZER, SCHEDULE, REGULARIZER = "optimizer", "schedule", "regularizer"
REGRESSION, BINARY, CLASSES, PROBABILITIES = "regression", "binary", "classes", "probabilities"


def reference_class(name):
    """The class reference/ exports from reference/<name>.py, e.g. "dense" -> reference.Dense."""
    exported = (getattr(reference, n) for n in reference.__all__)
    found = [c for c in exported if inspect.isclass(c) and c.__module__ == f"reference.{name}"]
    if len(found) != 1:
        raise LookupError(f"reference/{name}.py must export exactly one class, found {len(found)}")
    return found[0]


def kind_of(cls):
    """LAYER, LOSS or OPTIMIZER from the protocol a class follows: step(params, grads) for an optimizer,
    backward() for a loss, backward(dy) for a layer."""
    if hasattr(cls, "step"):
        return OPTIMIZER
    return LOSS if len(inspect.signature(cls.backward).parameters) == 1 else LAYER
