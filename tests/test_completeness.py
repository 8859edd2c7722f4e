"""The completeness gate names every missing piece of a component."""
import dataclasses

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
