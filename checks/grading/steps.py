"""The twelve steps of the course (specs/course.md), each a gradable unit and the checks that step teaches.

`python -m checks grade FILE --step N` grades the step's component with the
step's rubric; `python -m checks template --step N` prints its starter file.
A step may run a subset of the component's properties (step 1 runs only those
that call forward: derivatives come in step 3) and ask for a subset of the
methods (the starter of step 1 has no backward). Each component declares its
steps (checks/components.py); STEPS gathers them by number.
"""
import dataclasses

from checks.components import COMPONENTS
from checks.registry import Step

__all__ = ["STEPS", "Step", "later_step_with_every_method"]
STEPS = {s.number: s for s in sorted((dataclasses.replace(s, component=name) for name, c in COMPONENTS.items()
                                      for s in c.steps), key=lambda s: s.number)}


def later_step_with_every_method(step):
    """The first later step of the same component whose starter has every method, or None."""
    return next((s for s in STEPS.values() if s.number > step.number and s.component == step.component
                 and s.methods is None), None)
