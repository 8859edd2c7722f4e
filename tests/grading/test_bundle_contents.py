"""What the Gradescope bundle ships: the grader, the reference and the specs, not the maintainers' instruments."""
from checks.grading import bundle


def test_the_bundle_ships_the_grader_and_the_specs_but_not_the_instruments():
    paths = [inside for inside, _ in bundle.files()]
    assert "checks/grading/runner.py" in paths and "checks/gradcheck/diagnosis.py" in paths
    assert "reference/trainer/bike_sharing.py" in paths and "specs/dense.md" in paths
    assert not [p for p in paths if p.startswith("checks/instruments")], "the instruments are shipped"
    assert not [p for p in paths if "__pycache__" in p or p.endswith(".pyc")]
