"""Embedding and ClippedSGD are graded like every component: a correct file gets full marks, in-process and in the
isolated child (integer ids cross the wire as ints), and a planted bug a low score with its diagnosis."""
import pytest

from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.rubric import DEFAULT
from checks.grading.samples import write
from checks.grading.templates import template
from tests.correct_implementations import ClippedSGDByHand, LoopEmbedding
from tests.grading.sources import standalone
from tests.planted_recurrence import (ClippedSGDAlwaysScales, ClippedSGDPerTensorNorm, EmbeddingGradientToNextRow,
                                      EmbeddingOverwritesRepeats)

LIMITS = Limits(call=10, total=120, examples=5)
SEED = 2024
WITHOUT_BASELINE = {**DEFAULT, "baseline": 0}
CLASS = {"embedding": "Embedding", "gradient_clipping": "ClippedSGD"}


def graded(cls, component, folder, rubric=DEFAULT, isolated=True):
    path = write(folder, f"{component}.py", standalone(cls, CLASS[component]))
    return grade(path, component, rubric, LIMITS, seed=SEED, isolated=isolated)


def full_marks(report):
    failing = [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]
    assert report.status == "graded" and not failing, failing
    assert report.score == report.max_score and report.message == "every check passed"


@pytest.mark.parametrize("cls, component", [(LoopEmbedding, "embedding"), (ClippedSGDByHand, "gradient_clipping")],
                         ids=["embedding", "gradient_clipping"])
def test_a_correct_file_gets_full_marks_in_process_with_the_baseline(cls, component, tmp_path):
    report = graded(cls, component, tmp_path, isolated=False)
    full_marks(report)
    assert "baseline" in [c.name for c in report.checks]  # the HOURS task, or the bike network trained with it


@pytest.mark.parametrize("cls, component", [(LoopEmbedding, "embedding"), (ClippedSGDByHand, "gradient_clipping")],
                         ids=["embedding", "gradient_clipping"])
def test_a_correct_file_gets_full_marks_in_the_isolated_child(cls, component, tmp_path):
    full_marks(graded(cls, component, tmp_path, WITHOUT_BASELINE))


@pytest.mark.parametrize("bug, isolated", [(EmbeddingOverwritesRepeats, False), (EmbeddingOverwritesRepeats, True),
                                           (EmbeddingGradientToNextRow, True)],
                         ids=["overwrites-in-process", "overwrites-isolated", "next-row-isolated"])
def test_a_planted_embedding_bug_scores_low_with_its_diagnosis(bug, isolated, tmp_path):
    report = graded(bug, "embedding", tmp_path, WITHOUT_BASELINE, isolated)
    checks = {c.name: c for c in report.checks}
    assert checks["gradient"].status == "failed" and checks["gradient"].diagnosis == bug.diagnosis, \
        checks["gradient"].message
    assert f"Diagnosis: {bug.diagnosis}." in checks["gradient"].message
    assert checks["properties"].message.startswith("not counted: the gradient does not match the spec")
    assert report.score <= report.max_score / 2


@pytest.mark.parametrize("bug, isolated", [(ClippedSGDPerTensorNorm, False), (ClippedSGDAlwaysScales, True)],
                         ids=["per-tensor-in-process", "always-scales-isolated"])
def test_a_planted_clipping_bug_scores_low_and_names_the_rule(bug, isolated, tmp_path):
    report = graded(bug, "gradient_clipping", tmp_path, WITHOUT_BASELINE, isolated)
    checks = {c.name: c for c in report.checks}
    assert checks["gradient"].status == "failed", checks["gradient"].message
    assert "descent check failed" in checks["gradient"].message
    assert checks["properties"].message.startswith("not counted: the descent check failed")
    assert report.score <= report.max_score / 2


@pytest.mark.parametrize("bug", [ClippedSGDPerTensorNorm, ClippedSGDAlwaysScales], ids=lambda c: c.__name__)
def test_the_planted_clipping_bugs_break_their_properties_when_graded(bug, tmp_path):
    """With the descent check left out, the properties check fails and names a broken rule in the learner's words."""
    rubric = {**{name: 0 for name in DEFAULT}, "properties": 4}
    [check] = graded(bug, "gradient_clipping", tmp_path, rubric, isolated=False).checks
    assert check.status == "failed" and check.score < 4, check.message
    assert "(a norm per tensor scales each name by its own factor)" in check.message, check.message


def test_the_starter_files_ask_for_the_methods_and_carry_the_spec(tmp_path):
    embedding, clipping = template("embedding"), template("gradient_clipping")
    assert "class Embedding:" in embedding and "def backward(self, dy):" in embedding
    assert "dL/dW[v] = sum of dy[p]" in embedding and "integer ids" in embedding
    assert "class ClippedSGD:" in clipping and "def step(self, params, grads):" in clipping
    assert "self.max_norm = max_norm" in clipping and "||g||" in clipping
    report = grade(write(tmp_path, "embedding.py", embedding), "embedding", WITHOUT_BASELINE, LIMITS, seed=SEED)
    assert report.score == 0 and report.message.startswith("not implemented yet")
