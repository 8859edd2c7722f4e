"""How a grade is made: checks that depend on others, the seed that draws the shapes, degenerate answers named.

Graded in this process (isolated=False) unless isolation is what a test is about.
"""
import json

import pytest

from checks.__main__ import main
from checks.components import COMPONENTS
from checks.grading.checklist import DEPENDS, RULES
from checks.grading.draws import FRESH_WIDTHS, variants
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from tests.grading import gallery
from tests.grading.sources import standalone

LIMITS = Limits(examples=3)
QUICK = {**DEFAULT, "baseline": 0}


def submission(cls, folder):
    component = COMPONENTS[cls.component]
    return write(str(folder), f"{cls.component}.py", standalone(cls, component.class_name))


def graded(cls, folder, rubric=QUICK, seed=7, **options):
    return grade(submission(cls, folder), cls.component, rubric, LIMITS, seed=seed, isolated=False, **options)


def by_name(report):
    return {c.name: c for c in report.checks}


def test_a_wrong_forward_leaves_every_dependent_check_not_counted(tmp_path):
    checks = by_name(graded(gallery.DenseNoBias, tmp_path, {**DEFAULT, "convention": 1, "training": 1}))
    assert checks["forward"].status == "failed"
    dependents = [name for name in checks if "forward" in DEPENDS.get(name, ())]
    assert dependents == [*RULES, "properties", "convention", "training", "baseline"]
    for name in dependents:
        assert checks[name].score == 0 and checks[name].status == "not-run"
        assert checks[name].message == "not counted: forward does not match the spec"


def test_a_wrong_gradient_leaves_the_rules_and_properties_not_counted(tmp_path):
    checks = by_name(graded(gallery.DenseRandomBackward, tmp_path))
    assert checks["forward"].status == "passed" and checks["gradient"].status == "failed"
    for name in [*RULES, "properties"]:
        assert checks[name].message == "not counted: the gradient does not match the spec"


def test_an_optimizer_that_does_not_descend_gets_no_property_points(tmp_path):
    checks = by_name(graded(gallery.SGDStandsStill, tmp_path, rubric={**DEFAULT, "baseline": 0}))
    assert checks["gradient"].status == "failed"
    assert checks["properties"].message == "not counted: the descent check failed"
    assert checks["properties"].score == 0


def test_a_dependency_left_out_of_the_rubric_does_not_gate(tmp_path):
    rubric = {name: 0 for name in DEFAULT} | {"forward": 2, "properties": 2}
    checks = by_name(graded(gallery.DenseRandomBackward, tmp_path, rubric))
    assert checks["properties"].status != "not-run", checks["properties"].message


def test_consistency_reports_agreement_with_the_submissions_own_forward(tmp_path):
    rubric = {name: 0 for name in DEFAULT} | {"forward": 2, "gradient": 4, "consistency": 1}
    consistent_wrong = by_name(graded(gallery.DenseNoBias, tmp_path, rubric))
    assert consistent_wrong["consistency"].status == "passed"
    assert consistent_wrong["forward"].status == consistent_wrong["gradient"].status == "failed"
    assert "Your backward is right for your own forward" in consistent_wrong["gradient"].message
    garbage = by_name(graded(gallery.DenseRandomBackward, tmp_path, rubric))
    assert garbage["consistency"].status == "failed"
    assert "Your backward is right for your own forward" not in garbage["gradient"].message


def test_the_same_seed_gives_the_same_grade(tmp_path):
    first = graded(gallery.TanhOfHalfX, tmp_path, seed=123456).to_json()
    again = graded(gallery.TanhOfHalfX, tmp_path, seed=123456).to_json()
    assert first == again and first["seed"] == 123456 and len(first["variants"]) == 2


def test_a_grading_without_a_seed_records_the_one_it_drew(tmp_path):
    report = graded(gallery.NeuronNoBias, tmp_path, seed=None)
    assert isinstance(report.seed, int)
    again = graded(gallery.NeuronNoBias, tmp_path, seed=report.seed)
    assert again.to_json() == report.to_json()


def test_the_seed_draws_non_square_shapes_and_one_variant_no_fixed_check_uses():
    shapes = set()
    for seed in range(20):
        first, second = variants(COMPONENTS["dense"], seed)
        shapes.add(first.described)
        assert second.described.startswith(tuple(f"Dense({w}," for w in FRESH_WIDTHS))
        for v in (first, second):
            layer = v.component.build(COMPONENTS["dense"].reference)
            x = v.component.points(__import__("random").Random(0))
            d, m = len(layer.params["W"]), len(layer.params["W"][0])
            assert d != m and len(x) != d and len(x) >= 2
    assert len(shapes) > 5


def test_leaky_relu_is_graded_with_a_drawn_alpha():
    alphas = {v.described.split("(")[1].split(")")[0] for s in range(10) for v in variants(COMPONENTS["leaky_relu"], s)}
    assert len(alphas) > 5 and "0.1" not in alphas


@pytest.mark.parametrize("cls, named", [(gallery.DenseZeros, ["constant output", "all-zero gradient"]),
                                        (gallery.ReLUIdentity, ["identity"]),
                                        (gallery.SoftmaxUniform, ["constant output"])],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_degenerate_answers_are_named(cls, named, tmp_path):
    report = graded(cls, tmp_path)
    assert all(n in report.degenerate for n in named), report.degenerate
    assert report.to_json()["degenerate"] == report.degenerate


def test_a_correct_submission_is_named_nothing_degenerate(tmp_path):
    report = graded(gallery.IdentityByMap, tmp_path)
    assert report.passed and report.degenerate == []


def test_a_file_of_another_component_is_refused_with_one_line(tmp_path):
    path = write(str(tmp_path), "mse.py", "class MSE:\n    def forward(self, y_pred, y_true):\n        return 0.0\n")
    report = grade(path, "neuron", QUICK, LIMITS, seed=1, isolated=False)
    assert report.status == "missing-class" and report.score == 0
    assert "the class of mse" in report.message and "\n" not in report.message


def test_a_float_bias_gets_a_sentence(tmp_path):
    source = standalone(COMPONENTS["neuron"].reference, "Neuron") + (
        "class FloatBias(Neuron):\n    def __init__(self, n_in, seed=0):\n        super().__init__(n_in, seed)\n"
        "        self.params['b'] = 0.0\n\nNeuron = FloatBias\n")
    report = grade(write(str(tmp_path), "neuron.py", source), "neuron", QUICK, LIMITS, seed=1, isolated=False)
    forward = by_name(report)["forward"]
    assert "params['b'] is float 0.0, not a list" in forward.message, forward.message


def test_grade_takes_a_seed_and_refuses_a_negative_one(tmp_path, capsys):
    path = submission(gallery.IdentityByMap, tmp_path)
    rubric = write(str(tmp_path), "rubric.json", json.dumps({"baseline": 0, "properties": 0}))
    assert main(["grade", path, "--component", "identity", "--seed", "99", "--format", "json",
                 "--examples", "2", "--rubric", rubric]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["seed"] == 99 and report["score"] == report["max_score"]
    assert main(["grade", path, "--seed", "-1"]) == 2
    assert "--seed must be a whole number >= 0, got -1" in capsys.readouterr().err
