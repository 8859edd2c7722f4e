"""Each gallery entry is what its kind claims, shown in-process with the project's checkers and no grader.

The reference twin of an instance is the reference class built the same way
with the same parameters copied in, so that forward and backward compare
number for number.
"""
import ast
import functools
import random

import pytest

from checks import nested
from checks.components import COMPONENTS, LOSS, OPTIMIZER, gradient_points
from checks.descent import descent_reports
from checks.grading.checklist import CONVENTIONS, RULES
from checks.grading.context import examples
from checks.properties import mismatch, run, suite
from checks.properties.optimizers import moves
from checks.suite import gradient_reports
from reference import Dense, ReLU, Tanh
from tests.grading.gallery import GALLERY, REUSED_CORRECT
from tests.grading.sources import standalone

AGREEMENT = 1e-7  # relative tolerance of "the same numbers as the reference", as the grader's forward check
RULE_EXAMPLES = 4  # hypothesis examples per rule property: enough to break each rule
EXAMPLES = 2  # per property of a correct entry, which test_correct_implementations and the grader run at length
KINDS = {"trivial", "identity", "constant", "consistent-wrong", "garbage-backward", "one-rule", "shape-special-cased",
         "correct"}
EVERY_COMPONENT = ("trivial", "consistent-wrong", "garbage-backward", "one-rule", "correct")
WITH_DEGENERATE = ("neuron", "dense", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "mse",
                   "binary_cross_entropy", "softmax_cross_entropy")
WITH_SHAPES = ("neuron", "dense", "sequential", "softmax", "mse")
BUILD = {"leaky_relu": lambda impl: impl(0.25)}  # not the 0.1 of checks/components.py, so a hard-coded alpha shows


def of_kind(*kinds):
    return pytest.mark.parametrize("cls", [c for c in GALLERY if c.kind in kinds], ids=lambda c: c.__name__)


def component_of(cls):
    return COMPONENTS[cls.component]


def build(cls, implementation=None):
    component = component_of(cls)
    return BUILD.get(cls.component, component.build)(implementation or cls)


def with_drawn_params(obj, seed=0):
    """obj with every parameter entry redrawn in place (a bias of zeros would hide a forgotten bias)."""
    rng = random.Random(seed)
    for value in getattr(obj, "params", {}).values():
        for row in (value if isinstance(value[0], list) else [value]):
            row[:] = [rng.gauss(0.0, 1.0) for _ in row]
    return obj


def reference_twin(obj, cls, make=None):
    """The reference built as obj was (by make, if given), with obj's parameters copied in."""
    twin = make(component_of(cls).reference) if make else build(cls, component_of(cls).reference)
    for name, value in getattr(obj, "params", {}).items():
        twin.params[name] = nested.copy(value)
    return twin


def upstream(y, seed=0):
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 1.0) for _ in row] for row in y]


def forward_of(obj, cls, point):
    """forward at a point, on copies of its lists: y for a layer, L for a loss."""
    return obj.forward(*nested.copy(list(point))) if component_of(cls).kind == LOSS else obj.forward(nested.copy(point))


def backward_of(obj, cls, y):
    """[dx, the grads by name] of a layer after backward(dy) with a fixed random dy; [a loss's gradient, []]."""
    if component_of(cls).kind == LOSS:
        return [obj.backward(), []]
    dx = obj.backward(upstream(y))
    return [dx, [nested.copy(obj.grads[name]) for name in sorted(obj.params)]]


def agrees(actual, expected):
    return mismatch(actual, expected, AGREEMENT) is None


def forwards(cls):
    """(the entry's output, the reference twin's output) at each check point of the component."""
    pairs = []
    for point in gradient_points(component_of(cls)):
        obj = with_drawn_params(build(cls))
        twin = reference_twin(obj, cls)
        pairs.append((forward_of(obj, cls, point), forward_of(twin, cls, point)))
    return pairs


def all_zero(value):
    return all(all_zero(v) for v in value) if isinstance(value, (list, tuple)) else value == 0.0


def gradient_passes(cls):
    component = component_of(cls)
    if component.kind == OPTIMIZER:
        return all(r.passed for r in descent_reports(component, cls))
    return all(r.passed for r in gradient_reports(component, cls))


def failing_properties(cls, names=None, count=EXAMPLES):
    """The names of the component's properties that fail for cls (only those in names, if given)."""
    component = component_of(cls)
    chosen = [p for p in suite(cls.component) if names is None or p.__name__ in names]
    with examples(count):
        return {o.name for o in (run(p, component.subject(cls)) for p in chosen) if not o.passed}


def parameter_set(seed=0):
    """Named parameters (a non-square matrix W (2, 3) and a vector b (3,)) and three steps of their gradients."""
    rng = random.Random(seed)

    def drawn():
        return {"0.W": [[rng.uniform(-2.0, 2.0) for _ in range(3)] for _ in range(2)],
                "0.b": [rng.uniform(-2.0, 2.0) for _ in range(3)]}

    return drawn(), [drawn() for _ in range(3)]


def moves_of(implementation):
    """The moves of three steps of implementation(0.1), as lists: [step][parameter, by name][entry]."""
    params, steps = parameter_set()
    return [[move[name] for name in sorted(move)] for move in moves(implementation(0.1), params, steps)]


@of_kind("trivial")
def test_trivial_entries_give_only_zeros(cls):
    """y = 0 (L = 0) with the spec's shape, dx = 0 and every grad 0; an optimizer's step moves nothing."""
    if component_of(cls).kind == OPTIMIZER:
        assert all_zero(moves_of(cls)), "a step moved the parameters"
        return
    for point in gradient_points(component_of(cls)):
        obj = build(cls)
        y = forward_of(obj, cls, point)
        assert y == zeros_like(forward_of(build(cls, component_of(cls).reference), cls, point)), f"forward gave {y!r}"
        dx, grads = backward_of(obj, cls, y)
        assert dx == zeros_like(point[0] if component_of(cls).kind == LOSS else point), f"backward gave {dx!r}"
        assert all_zero(grads), f"grads are {grads!r}"


def zeros_like(value):
    """0.0 for a number; a matrix of 0.0 with the shape of a matrix."""
    return [[0.0] * len(row) for row in value] if isinstance(value, list) else 0.0


@of_kind("identity")
def test_identity_entries_pass_x_and_dy_through(cls):
    """forward(x) = x and backward(dy) = dy."""
    for point in gradient_points(component_of(cls)):
        obj = build(cls)
        assert obj.forward(nested.copy(point)) == point
        dy = upstream(point)
        assert obj.backward(nested.copy(dy)) == dy


@of_kind("constant")
def test_constant_entries_ignore_the_input(cls):
    """Two inputs on which the spec differs give the same output."""
    for point in gradient_points(component_of(cls)):
        if component_of(cls).kind == LOSS:
            y_pred, y_true = point
            other = ([[0.5 * v + 0.25 for v in row] for row in y_pred], y_true)
        else:
            other = [[3.0 - 2.0 * v for v in row] for row in point]
        obj = build(cls)
        assert forward_of(obj, cls, point) == forward_of(obj, cls, other)
        assert not agrees(forward_of(build(cls, component_of(cls).reference), cls, point),
                          forward_of(build(cls, component_of(cls).reference), cls, other)), "the spec's output varies"


@of_kind("consistent-wrong")
def test_consistent_wrong_entries_miss_the_spec_but_fit_their_own_forward(cls):
    """forward differs from the spec, yet backward matches finite differences of that forward; an optimizer moves
    otherwise than the spec and fails the descent check."""
    if component_of(cls).kind == OPTIMIZER:
        assert not agrees(moves_of(cls), moves_of(component_of(cls).reference))
        assert not gradient_passes(cls), "the descent check passes"
        return
    assert not all(agrees(mine, spec) for mine, spec in forwards(cls)), "forward agrees with the spec"
    assert gradient_passes(cls), "backward does not fit the entry's own forward"


@of_kind("garbage-backward")
def test_garbage_backward_entries_have_the_spec_forward_and_fail_the_gradient_check(cls):
    """forward is the spec's and the gradient check fails; an optimizer's random step fails the descent check."""
    if component_of(cls).kind == OPTIMIZER:
        assert not agrees(moves_of(cls), moves_of(component_of(cls).reference))
    else:
        assert all(agrees(mine, spec) for mine, spec in forwards(cls)), "forward differs from the spec"
    assert not gradient_passes(cls)


@of_kind("one-rule")
def test_one_rule_entries_are_right_on_a_fresh_instance_and_break_their_rule(cls):
    """A fresh instance's forward and backward are the spec's, and a property of the named rule fails."""
    component = component_of(cls)
    if component.kind == OPTIMIZER:
        assert cls.rule == "in-place"
        assert agrees(moves_of(cls), moves_of(component.reference)), "the update differs from the spec"
        assert failing_properties(cls, {"step_edits_params_in_place_and_nothing_else"}, RULE_EXAMPLES)
        return
    for seed, point in enumerate(gradient_points(component)):
        obj = with_drawn_params(build(cls), seed)
        twin = reference_twin(obj, cls)
        y, expected_y = forward_of(obj, cls, point), forward_of(twin, cls, point)
        assert agrees(y, expected_y), f"forward differs from the spec at point {seed}"
        assert agrees(backward_of(obj, cls, y), backward_of(twin, cls, expected_y)), f"backward differs at {seed}"
    names = set(RULES[cls.rule][0]) & {p.__name__ for p in suite(cls.component)}
    assert names, f"{cls.component} has no property for the rule {cls.rule}"
    assert failing_properties(cls, names, RULE_EXAMPLES), f"the {cls.rule} properties all hold"


def shapes(name):
    """(the constructions and batch shapes the fixed checks used, another construction and non-square shape)."""
    return {
        "dense": ([(lambda c: c(3, 2), (4, 3)), (lambda c: c(5, 8), (4, 5)), (lambda c: c(8, 1), (4, 8))],
                  (lambda c: c(4, 6), (5, 4))),
        "neuron": ([(lambda c: c(3), (4, 3)), (lambda c: c(5), (4, 5))], (lambda c: c(4), (5, 4))),
        "sequential": ([(lambda c: c([Dense(3, 4), ReLU(), Dense(4, 2, seed=1)]), (4, 3)),
                        (lambda c: c([Dense(5, 8), Tanh(), Dense(8, 1, seed=1)]), (4, 5))],
                       (lambda c: c([Dense(4, 6), ReLU(), Dense(6, 2, seed=1)]), (5, 4))),
        "softmax": ([(lambda c: c(), (4, 3)), (lambda c: c(), (4, 2))], (lambda c: c(), (5, 4))),
        "mse": ([(lambda c: c(), (4, 2)), (lambda c: c(), (4, 1))], (lambda c: c(), (5, 3))),
    }[name]


def agrees_at(cls, make, shape, seed=0):
    """Whether cls and the reference give the same y (or L) and backward at a batch of this shape."""
    rng = random.Random(seed)
    x = [[rng.gauss(0.0, 1.5) for _ in range(shape[1])] for _ in range(shape[0])]
    point = (x, [[rng.gauss(0.0, 1.0) for _ in row] for row in x]) if component_of(cls).kind == LOSS else x
    obj = with_drawn_params(make(cls), seed)
    twin = reference_twin(obj, cls, make)
    y, expected = forward_of(obj, cls, point), forward_of(twin, cls, point)
    return agrees(y, expected) and agrees(backward_of(obj, cls, y), backward_of(twin, cls, expected))


@of_kind("shape-special-cased")
def test_shape_special_cased_entries_are_right_only_at_the_old_shapes(cls):
    """The spec's numbers at the shapes the fixed checks used, other numbers at a new non-square shape."""
    seen, (make_other, other) = shapes(cls.component)
    for make, shape in seen:
        assert agrees_at(cls, make, shape), f"differs from the spec at the shape {shape}"
    assert not agrees_at(cls, make_other, other), f"agrees with the spec at the shape {other}"


@of_kind("correct")
def test_correct_entries_pass_the_gradient_check_and_every_property(cls):
    """The spec's forward (or moves), a passing gradient (or descent) check, every property but a kink convention."""
    if component_of(cls).kind == OPTIMIZER:
        assert agrees(moves_of(cls), moves_of(component_of(cls).reference))
    else:
        assert all(agrees(mine, spec) for mine, spec in forwards(cls)), "forward differs from the spec"
    assert gradient_passes(cls)
    assert failing_properties(cls) <= CONVENTIONS


def test_every_component_has_every_kind_that_applies_to_it():
    """trivial, consistent-wrong, garbage-backward, one-rule and correct everywhere; identity or constant and
    shape-special-cased where they make sense."""
    found = {(c.component, c.kind) for c in GALLERY}
    wanted = {(name, kind) for name in [*WITH_DEGENERATE, "sequential", "sgd", "momentum", "adam"]
              for kind in EVERY_COMPONENT}
    wanted |= {(name, "shape-special-cased") for name in WITH_SHAPES}
    assert wanted <= found, f"missing: {sorted(wanted - found)}"
    degenerate = {name for name, kind in found if kind in ("identity", "constant")}
    assert set(WITH_DEGENERATE) <= degenerate


def test_every_entry_names_a_gradable_component_a_kind_and_its_bug():
    """component, kind (and rule) are known names, and each gallery class says its bug in one line."""
    for cls in GALLERY:
        assert cls.component in COMPONENTS and cls.kind in KINDS, cls.__name__
        assert cls.__doc__ and "\n" not in cls.__doc__.strip() or cls in REUSED_CORRECT, cls.__name__
        if cls.kind == "one-rule":
            assert cls.rule in (*RULES, "in-place"), cls.__name__
    assert len({c.__name__ for c in GALLERY}) == len(GALLERY)


@functools.lru_cache(maxsize=None)
def executed(source):
    """The names a submission's source defines, run as the child runs it; the source imports nothing of the project."""
    imported = [n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
                for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [m for m in imported if m.split(".")[0] in ("reference", "tests", "checks")], imported
    namespace = {"__name__": "submission"}
    exec(compile(source, "submission.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("cls", GALLERY, ids=lambda c: c.__name__)
def test_every_entry_becomes_a_standalone_submission(cls):
    """standalone(cls, class_name) runs without the project and binds class_name to cls."""
    class_name = component_of(cls).class_name
    text, binding = standalone(cls, class_name), f"\n{class_name} = {cls.__name__}\n"
    assert text.endswith(binding)
    namespace = dict(executed(text[:-len(binding)]))
    exec(compile(binding, f"{class_name.lower()}.py", "exec"), namespace)
    assert namespace[class_name].__name__ == cls.__name__
