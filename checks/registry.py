"""What a component's declaration holds: the shape of an entry of checks/components.py, and the points it draws.

A component is a module of reference/ (its name is the module's, the spec's
and the property suite's). Its one declaration (a Component, in
checks/components.py) says how the checks build it and draw its inputs,
which small model on the bike data must beat the mean, whether a learner's
file can be graded (with its starter file's Template and its course Steps),
and whether a graded network may use it as a layer. Every other list of
components (reference.__all__, make check's rows, the grader's choices,
starter files, the course, the modules a sample or a network's library is
made from, the mutation scope) derives from these declarations or is held
to them by the completeness gate (checks/completeness.py).
"""
import random
from dataclasses import dataclass
from typing import Callable, Optional

import reference
from checks.grading.rubric import DEFAULT
from checks.held import draws

from checks.kinds import (  # noqa: F401  (the registry's vocabulary; checks/kinds.py is where it is declared)
    BINARY, CLASSES, INITIALIZER, LAYER, LOSS, OPTIMIZER, PROBABILITIES, REGRESSION, REGULARIZER, SCHEDULE)


@dataclass(frozen=True)
class Template:
    """What a starter file of the component says beyond the spec (checks/grading/templates.py)."""

    arguments: str = ""  # the constructor's arguments, e.g. "n_in, n_out, seed=0"
    body: Optional[tuple] = None  # the constructor's lines, given to the learner; None: the default for the kind
    init_doc: tuple = ()  # the docstring of a constructor the learner writes (then body is not given)
    notes: tuple = ()  # lines added to the module docstring
    imports: tuple = ("math",)  # the modules the starter imports


@dataclass(frozen=True)
class Step:
    """A step of the course (specs/course.md): a gradable unit of a component and the checks that step teaches."""

    number: int
    title: str
    rubric: dict  # check -> points; checks left out get 0
    properties: Optional[tuple] = None  # the properties its "properties" check runs; None: all that can be graded
    methods: Optional[tuple] = None  # the methods its starter file asks for; None: every method of the component
    component: str = ""  # the component that declares it (checks/grading/steps.py fills it in)

    @property
    def file(self):
        """The file the course writes this step's starter to: its own, so no step overwrites an earlier one's."""
        return f"step{self.number:02d}_{self.component}.py"

    @property
    def full_rubric(self):
        """The step's rubric over every check: the checks it leaves out at 0 points."""
        return {name: self.rubric.get(name, 0) for name in DEFAULT}


@dataclass(frozen=True)
class Component:
    name: str
    class_name: str  # the class a learner implements; "" for a module of functions
    kind: str  # LAYER, LOSS, INITIALIZER, OPTIMIZER, SCHEDULE or REGULARIZER
    build: Callable  # implementation (class or module) -> an instance built as the checks use it
    points: Optional[Callable]  # rng -> a gradient-check point: x, or (y_pred, y_true) for a loss,
    #                             (x, t, seed) for an optimizer's descent check, (strength, params) for a regularizer
    # the property inputs, as checks/strategies.py -> a hypothesis strategy (drawn only when properties run, so
    # the light commands, template and --help, import the declarations without hypothesis):
    inputs: Callable  # valid inputs
    extreme: Callable  # valid inputs at the edge of the promised range
    task: str  # the baseline task: REGRESSION, BINARY, CLASSES or PROBABILITIES
    model: Callable  # implementation -> (model, loss) trained on the bike data for the baseline
    elementwise: bool = False
    first_step: Optional[Callable] = None  # an optimizer's grads -> the direction d its first step moves along, -lr d
    gradable: bool = False  # whether the grader takes a learner's file of it (python -m checks grade)
    template: Template = Template()  # its starter file, when gradable
    steps: tuple = ()  # the Steps of the course that grade it
    draw: Optional[Callable] = None  # (component, sizes) -> what a grading draws (checks/grading/draws.py)
    network: bool = False  # built from layers: the grader's child builds them from its library
    library: bool = False  # a layer of that library (the reference's, sent to the child as text)

    @property
    def reference(self):
        """The reference implementation: the class, or the module for function components."""
        if self.class_name:
            return getattr(reference, self.class_name)
        return __import__(f"reference.{self.name}", fromlist=["*"])

    @property
    def rows_independent(self):
        """What the spec says (the reference's class attribute, specs/protocol.md): whether row i of the output
        depends on row i of the input alone. A learner's own claim is not asked."""
        return getattr(self.reference, "rows_independent", True)

    def subject(self, implementation=None):
        implementation = implementation or self.reference
        stochastic = self.kind == LAYER and draws(self.build(self.reference))
        from checks import strategies
        from checks.properties import Subject
        return Subject(self.name, lambda: self.build(implementation), self.inputs(strategies), self.extreme(strategies),
                       implementation,
                       self.rows_independent, stochastic=stochastic)

    @property
    def has_gradient(self):
        return self.kind in (LAYER, LOSS, REGULARIZER)


def gaussian(rng, n, m, scale=1.5):
    return [[rng.gauss(0.0, scale) for _ in range(m)] for _ in range(n)]


def with_kinks(rng, n, m):
    """A batch that sits on and next to the kink at 0: exact zeros and values within the step h."""
    x = gaussian(rng, n, m)
    x[0][0], x[1][m - 1], x[n - 1][0] = 0.0, 3e-6, -2e-6
    return x


def normalization(implementation, n_features=3, seed=0):
    """A BatchNorm or LayerNorm with seeded gamma != 1 and beta != 0: with gamma = 1 a missing gamma factor hides."""
    layer = implementation(n_features)
    rng = random.Random(f"gamma and beta/{seed}")
    layer.params["gamma"] = [rng.uniform(0.5, 2.0) for _ in range(n_features)]
    layer.params["beta"] = [rng.uniform(-1.0, 1.0) for _ in range(n_features)]
    return layer
