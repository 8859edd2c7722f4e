"""The completeness gate names every missing piece of a component."""
import dataclasses
import os

from checks import completeness
from checks.components import COMPONENTS


def test_reference_is_complete():
    assert completeness.audit() == {name: [] for name in completeness.exported_components()}


def test_every_exported_name_maps_to_its_module():
    exported = completeness.exported_components()
    assert exported["dense"] == ["Dense"]
    assert exported["initializers"] == ["xavier_uniform", "he_normal"]


def test_an_unknown_component_lacks_everything():
    gaps = completeness.audit({"conv": ["Conv"]}, registry={})["conv"]
    assert gaps == ["no spec: write specs/conv.md", "no entry in checks/components.py for 'conv'"]


def test_a_registered_component_that_is_not_exported_is_named():
    audit = completeness.audit({}, registry={"dense": COMPONENTS["dense"]})
    assert audit == {"dense": ["checks/components.py registers 'dense' but reference does not export it"]}


def test_missing_points_suite_and_model_are_named():
    hollow = dataclasses.replace(COMPONENTS["relu"], name="hollow", points=None, model=None)
    gaps = completeness.check_gaps("hollow", {"hollow": hollow})
    assert gaps == [
        "'hollow' has a gradient but no gradient-check points in checks/components.py",
        "no property suite: write checks/properties/hollow.py with a PROPERTIES list",
        "'hollow' has no baseline model in checks/components.py",
    ]


def write_spec(tmp_path, headings, example=True):
    body = "\n\n".join(f"## {h}\ntext" for h in headings)
    if example:
        body += "\n\n>>> 1 + 1\n2\n"
    (tmp_path / "thing.md").write_text(f"# Thing\n\n{body}\n", encoding="utf-8")


def test_a_spec_without_a_section_or_example_is_named(tmp_path):
    write_spec(tmp_path, [h for h in completeness.HEADINGS if h != "Conventions"], example=False)
    assert completeness.spec_gaps("thing", str(tmp_path)) == [
        "specs/thing.md has no section '## Conventions'",
        "specs/thing.md has no worked example ('>>>' lines that a test runs)",
    ]


def test_a_spec_with_sections_out_of_order_is_named(tmp_path):
    write_spec(tmp_path, list(reversed(completeness.HEADINGS)))
    assert completeness.spec_gaps("thing", str(tmp_path)) == [
        "specs/thing.md: sections out of order; expected " + ", ".join(completeness.HEADINGS)]


def test_a_complete_spec_has_no_gaps(tmp_path):
    write_spec(tmp_path, completeness.HEADINGS)
    assert completeness.spec_gaps("thing", str(tmp_path)) == []


# Each list that must agree with the declarations of checks/components.py: the gate names a disagreement.

def gaps_of(exported=None, registry=COMPONENTS, mutated=None):
    exported = completeness.exported_components() if exported is None else exported
    mutated = completeness.mutation_scope() if mutated is None else mutated
    return [g for gaps in completeness.list_gaps(exported, registry, mutated).values() for g in gaps]


def test_every_list_agrees_with_the_declarations():
    assert gaps_of() == []


def test_reference_all_in_another_order_is_named():
    exported = completeness.exported_components()
    swapped = {"dense": exported["dense"], "neuron": exported["neuron"],
               **{k: v for k, v in exported.items() if k not in ("dense", "neuron")}}
    assert gaps_of(swapped) == [
        "reference.__all__ lists the components in another order than checks/components.py: "
        + ", ".join(swapped) + "; order __all__ as the declarations are ordered"]


def test_reference_all_without_the_declared_class_is_named():
    exported = {**completeness.exported_components(), "dense": ["Linear"]}
    assert gaps_of(exported) == ["checks/components.py declares the class Dense for 'dense', but reference.__all__ "
                                 "exports Linear from reference/dense.py"]


def test_a_component_missing_from_only_mutate_is_named():
    mutated = [f for f in completeness.mutation_scope() if f != "reference/tanh.py"]
    assert gaps_of(mutated=mutated) == ["reference/tanh.py is not in [tool.mutmut] only_mutate in pyproject.toml"]


def test_only_mutate_is_read_from_pyproject():
    scope = completeness.mutation_scope()
    assert "reference/dense.py" in scope and "reference/tensor.py" in scope and "reference/trainer/training.py" not in scope


def test_a_gradable_declaration_the_grader_cannot_take_is_named():
    registry = {**COMPONENTS, "schedules": dataclasses.replace(COMPONENTS["schedules"], gradable=True)}
    assert gaps_of(registry=registry) == [
        "'schedules' is declared gradable, but the grader takes only the class of a layer, a loss or an optimizer"]


def test_a_network_layer_that_is_not_a_layer_is_named():
    registry = {**COMPONENTS, "mse": dataclasses.replace(COMPONENTS["mse"], library=True)}
    assert gaps_of(registry=registry) == [
        "'mse' is declared part of a network (library or network), but it is a loss"]


def test_steps_of_a_component_that_is_not_gradable_are_named():
    registry = {**COMPONENTS, "identity": dataclasses.replace(COMPONENTS["identity"], gradable=False,
                                                              steps=COMPONENTS["relu"].steps)}
    registry["relu"] = dataclasses.replace(COMPONENTS["relu"], steps=())
    assert gaps_of(registry=registry) == ["'identity' declares course steps but is not gradable"]


def test_a_step_without_a_rubric_of_checks_is_named():
    from checks.registry import Step
    registry = {**COMPONENTS, "relu": dataclasses.replace(COMPONENTS["relu"], steps=(Step(6, "Activations", "relu"),))}
    gaps = gaps_of(registry=registry)
    assert len(gaps) == 1 and gaps[0].startswith("step 6 of 'relu' has the rubric 'relu'; a rubric maps checks")


def test_a_step_number_declared_twice_is_named():
    registry = {**COMPONENTS, "identity": dataclasses.replace(COMPONENTS["identity"], steps=COMPONENTS["relu"].steps)}
    assert gaps_of(registry=registry) == [
        "step 6 of the course is declared by both 'identity' and 'relu' in checks/components.py; each step has one "
        "number"]


def test_the_derived_lists_follow_the_declarations():
    from checks.grading import GRADABLE, NETWORKS
    from checks.grading.samples import library_modules, sample_modules
    from checks.grading.steps import STEPS
    from tests import planted
    assert GRADABLE == tuple(n for n, c in COMPONENTS.items() if c.gradable)
    assert NETWORKS == ("sequential",)
    assert set(range(1, 13)) <= set(STEPS) and all(COMPONENTS[s.component].gradable for s in STEPS.values())
    assert set(sample_modules()) >= set(GRADABLE) | {"tensor", "parameters", "initializers"}
    assert set(library_modules()) == {"tensor", "initializers", "dense", "identity", "relu", "leaky_relu", "sigmoid",
                                      "tanh", "flatten"}  # flatten: how the activations take any rank
    assert sample_modules().index("tensor") < sample_modules().index("dense")  # what a module imports comes first
    assert {bug.component for bug in planted.GRADIENT_BUGS + planted.PROTOCOL_BUGS} <= set(COMPONENTS)



def test_a_component_missing_from_the_index_of_specs_is_named(tmp_path):
    index = tmp_path / "README.md"
    with open(os.path.join(completeness.ROOT, "specs", "README.md"), encoding="utf-8") as f:
        index.write_text("".join(line for line in f if "| dropout |" not in line), encoding="utf-8")
    assert completeness.index_gaps(COMPONENTS, str(index)) == {"dropout": [
        "specs/README.md has no row for 'dropout' in its index: add '| <family> | dropout | [dropout.md](dropout.md) | "
        "[reference/dropout.py](../reference/dropout.py) | [checks/properties/dropout.py](../checks/properties/dropout.py) |'"]}
    assert completeness.index_gaps(COMPONENTS) == {}
