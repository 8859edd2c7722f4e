"""Grading a course step catches a planted mistake of that step, in the check that teaches it.

Each wrong submission is a correct solution of tests/course_solutions.py with
one method overridden, graded with --step N as a learner's file would be. The
optimizer's step and a network built from the grader's library of layers run
in the child like any layer.
"""
import inspect

import pytest

from checks.components import COMPONENTS
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.samples import write
from checks.grading.steps import STEPS
from tests import course_solutions

LIMITS = Limits(call=10, total=120, examples=3)

NEURON_WITHOUT_BIAS = '''
class Wrong(PredictingNeuron):
    def forward(self, x):
        return [[sum(v * w for v, w in zip(row, self.params["w"]))] for row in x]
'''
NEURON_FIRST_ROW_ONLY = '''
class Wrong(LearningNeuron):
    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["w"] = [dy[0][0] * v for v in self.inputs[0]]
        return dx
'''
MSE_SUM = '''
class Wrong(MeanSquaredValue):
    def forward(self, y_pred, y_true):
        return super().forward(y_pred, y_true) * len(y_pred) * len(y_pred[0])
'''
SGD_UPHILL = '''
class Wrong(GradientDescent):
    def step(self, params, grads):
        self.lr = -self.lr
        super().step(params, grads)
        self.lr = -self.lr
'''
SGD_NEW_LISTS = '''
class Wrong(GradientDescent):
    def step(self, params, grads):
        for name in list(params):
            p, g = params[name], grads[name]
            params[name] = ([[a - self.lr * b for a, b in zip(r, s)] for r, s in zip(p, g)]
                            if isinstance(p[0], list) else [a - self.lr * b for a, b in zip(p, g)])
'''
SGD_RATE_COPIED = '''
class Wrong(GradientDescent):
    def __init__(self, lr):
        super().__init__(lr)
        self.rate = lr

    def step(self, params, grads):
        lr, self.lr = self.lr, self.rate
        super().step(params, grads)
        self.lr = lr
'''
NETWORK_BACKWARD_IN_ORDER = '''
class Wrong(Network):
    def backward(self, dy):
        for layer in self.layers:
            dy = layer.backward(dy)
        return dy
'''
NETWORK_SNAPSHOT = '''
class Wrong(Network):
    """params and grads as dicts built once: editing in place reaches the layers, replacing an entry does not."""

    def __init__(self, layers):
        super().__init__(layers)
        self.params = dict(self.params.items())

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads_now = dict(KeyedEntries(self.layers, "grads").items())
        return dx
'''


def wrong_file(number, extra, folder):
    classes = course_solutions.SOLUTIONS[number]
    source = "import math\nimport random\n\n\n" + "\n\n".join(inspect.getsource(c) for c in classes) + extra
    name = STEPS[number].component
    return write(folder, f"{name}.py", source + f"\n{COMPONENTS[name].class_name} = Wrong\n")


@pytest.mark.parametrize("number, extra, check, words", [
    (1, NEURON_WITHOUT_BIAS, "forward", "but the spec gives"),
    (4, NEURON_FIRST_ROW_ONLY, "gradient", "Diagnosis: single-sample"),
    (2, MSE_SUM, "value", "forward(y_pred, y_true) is"),
    (9, SGD_UPHILL, "gradient", "the update goes uphill (is its sign flipped?)"),
    (10, SGD_UPHILL, "training", "is a sign flipped"),
    (9, SGD_NEW_LISTS, "properties", "step replaced params['"),
    (9, SGD_RATE_COPIED, "properties", "lr_is_read_at_each_step"),
    (8, NETWORK_BACKWARD_IN_ORDER, "gradient", "sequential: gradient check failed"),
    (12, NETWORK_SNAPSHOT, "properties", "params_are_read_at_call_time"),
], ids=["1-no-bias", "4-first-row", "2-sum", "9-uphill", "10-uphill", "9-new-lists", "9-rate-copied",
        "8-backward-in-order", "12-snapshot"])
def test_a_planted_mistake_fails_the_check_its_step_teaches(number, extra, check, words, tmp_path):
    report = grade(wrong_file(number, extra, str(tmp_path)), step=STEPS[number], limits=LIMITS)
    failed = {c.name: c for c in report.checks if c.status != "passed"}
    assert report.status == "graded" and check in failed, [(c.name, c.status) for c in report.checks]
    assert words in failed[check].message, failed[check].message
    assert 0 < report.max_score and report.score < report.max_score


def test_step_8_does_not_grade_what_step_12_adds(tmp_path):
    """A network whose params are a dict built once backpropagates right: full marks at step 8."""
    report = grade(wrong_file(8, NETWORK_SNAPSHOT, str(tmp_path)), step=STEPS[8], limits=LIMITS)
    assert report.passed, [(c.name, c.message) for c in report.checks if c.status != "passed"]
