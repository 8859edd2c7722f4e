"""The samples make bench-grading grades: the reference's source, and bugs made from it by replacing text."""
import pytest

from checks.instruments import grading_speed as speed


@pytest.mark.parametrize("component", sorted(speed.BUGS))
def test_every_sample_compiles_and_every_bug_changes_the_source(component):
    texts = speed.submissions(component)
    assert len(texts) == 1 + len(speed.BUGS[component][1])
    assert len(set(texts)) == len(texts)
    for text in texts:
        compile(text, f"{component}.py", "exec")


def test_a_bug_whose_text_left_the_reference_is_named(monkeypatch):
    monkeypatch.setitem(speed.BUGS, "relu", ("ReLU", [("gone", "text that is not there", "x")]))
    with pytest.raises(AssertionError, match="no longer contains 'text that is not there'"):
        speed.submissions("relu")
