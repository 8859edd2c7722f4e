"""The course of specs/course.md: twelve steps with every part, each gradable on its own with --step N.

For every step, a correct solution (tests/course_solutions.py) gets full marks
and the step's starter file gets 0 with "not implemented yet" on every line.
The worked examples themselves run in tests/test_specs.py, like every spec's.
"""
import inspect
import json
import os
import re
import subprocess
import sys

import pytest

from checks.__main__ import main
from checks.components import COMPONENTS
from checks.grading.bundle import bundle
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.samples import write
from checks.grading.steps import STEPS
from tests import course_solutions

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "specs", "course.md")
PARTS = ("Idea", "Formula", "Worked example", "Exercise", "Grade it", "Experiment")
LIMITS = Limits(call=10, total=120, examples=3)


def steps_of_the_readme():
    """{number: (title, {part: text})} of the '## Step N: Title' sections of specs/course.md."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    found = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        match = re.fullmatch(r"Step (\d+): (.+)", heading.strip())
        if not match:
            continue
        labels = list(re.finditer(r"^\*\*(" + "|".join(PARTS) + r")\.\*\*", body, flags=re.M))
        parts = {m.group(1): body[m.end():(labels[i + 1].start() if i + 1 < len(labels) else len(body))]
                 for i, m in enumerate(labels)}
        found[int(match.group(1))] = (match.group(2), [m.group(1) for m in labels], parts)
    return found


README_STEPS = steps_of_the_readme()


def test_the_course_has_its_steps_with_the_grader_s_titles():
    """Steps 1 to 12 make the first course; the families' steps follow them."""
    assert sorted(README_STEPS) == sorted(STEPS) and sorted(STEPS)[:12] == list(range(1, 13))
    assert {n: title for n, (title, _, _) in README_STEPS.items()} == {n: s.title for n, s in STEPS.items()}


@pytest.mark.parametrize("number", sorted(README_STEPS))
def test_every_step_has_its_six_parts_in_order(number):
    _, order, parts = README_STEPS[number]
    assert order == list(PARTS), f"step {number} has the parts {order}; expected {list(PARTS)}, each once, in order"
    assert all(parts[p].strip() for p in PARTS), f"step {number} has an empty part"


@pytest.mark.parametrize("number", sorted(README_STEPS))
def test_every_part_does_its_job(number):
    """The formula links a spec that exists; the example runs (>>>); the exercise and the grading command name
    this step; the experiment reports numbers that were measured."""
    _, _, parts = README_STEPS[number]
    links = re.findall(r"\]\(([a-z0-9_]+\.md)(?:#[^)]*)?\)", parts["Formula"])
    assert links and all(os.path.exists(os.path.join(ROOT, "specs", link)) for link in links), links
    assert STEPS[number].component + ".md" in links or number >= 10, (number, links)
    assert ">>> " in parts["Worked example"]
    assert f"python3 -m checks template --step {number} --out {STEPS[number].file}\n" in parts["Exercise"]
    assert f"python3 -m checks grade {STEPS[number].file} --step {number}\n" in parts["Grade it"]
    assert re.search(r"Full marks are \d+ points", parts["Grade it"])
    assert len(re.findall(r"\d\.\d", parts["Experiment"])) >= 2, "an experiment says what was measured"


def points(step):
    """The most a submission can score at a step: its rubric over the checks that apply to its component."""
    component = COMPONENTS[step.component]
    from checks.grading.checklist import applies
    return sum(v for n, v in step.full_rubric.items() if applies(n, component))


@pytest.mark.parametrize("number", sorted(README_STEPS))
def test_the_full_marks_stated_are_the_rubric_s(number):
    stated = int(re.search(r"Full marks are (\d+) points", README_STEPS[number][2]["Grade it"]).group(1))
    assert stated == points(STEPS[number])


def solution_file(number, folder):
    """A step's correct solution as a learner's file: its classes, the component's class name bound to the first."""
    classes = course_solutions.SOLUTIONS[number]
    source = "import math\nimport random\n\n\n" + "\n\n".join(inspect.getsource(c) for c in classes)
    name = STEPS[number].component
    return write(folder, f"{name}.py", source + f"\n{COMPONENTS[name].class_name} = {classes[0].__name__}\n")


@pytest.mark.parametrize("number", sorted(STEPS))
def test_a_correct_solution_gets_full_marks(number, tmp_path):
    report = grade(solution_file(number, str(tmp_path)), step=STEPS[number], limits=LIMITS)
    failing = [f"{c.name}: {c.message}" for c in report.checks if c.status != "passed"]
    assert report.status == "graded" and not failing, failing
    assert report.score == report.max_score == points(STEPS[number]) > 0
    assert report.message == "every check passed" and report.step == number


def starter(number, capsys):
    assert main(["template", "--step", str(number)]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("number", sorted(STEPS))
def test_the_starter_file_gets_0_and_says_not_implemented_yet(number, tmp_path, capsys):
    step = STEPS[number]
    text = starter(number, capsys)
    assert f"python3 -m checks grade {step.file} --step {number}" in text
    report = grade(write(str(tmp_path), f"{step.component}.py", text), step=step, limits=LIMITS)
    assert report.status == "graded" and report.score == 0 and report.max_score == points(step)
    assert report.message.startswith("not implemented yet: ") and f"specs/{step.component}.md" in report.message
    for check in report.checks:  # a check that depends on an unfinished one says so instead of running
        assert check.message.startswith("not implemented yet") or check.message.endswith("(not implemented yet)"), \
            [c.message for c in report.checks]


def test_a_step_1_starter_asks_for_forward_only_and_says_when_backward_comes(capsys):
    text = starter(1, capsys)
    assert "def forward" in text and "def backward" not in text and "comes in step 4" in text
    assert "Partial derivatives" not in text


def test_the_exact_command_of_step_1_grades_a_learner_s_file(tmp_path):
    path = solution_file(1, str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "checks", "grade", path, "--step", "1", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert (report["step"], report["component"], report["score"], report["max_score"]) == (1, "neuron", 4, 4)
    assert [c["name"] for c in report["checks"]] == ["forward", "properties"]


@pytest.mark.parametrize("args, message", [
    (["grade", "x.py", "--step", "1", "--component", "relu"], "not allowed with argument"),
    (["grade", "x.py", "--step", "99"], "invalid choice: 99"),
    (["template"], "name a component or give --step N"),
    (["template", "relu", "--step", "1"], "name a component or give --step N"),
])
def test_step_and_component_are_one_or_the_other(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_a_rubric_file_adjusts_a_step_s_own_rubric(tmp_path):
    rubric = tmp_path / "rubric.json"
    rubric.write_text('{"forward": 5}')
    from checks.grading.commands import load_rubric
    assert {n: v for n, v in load_rubric(str(rubric), 1).items() if v} == {"forward": 5, "properties": 2}


def test_a_gradescope_bundle_can_grade_a_step():
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(bundle(None, None, 9))) as z:
        run = z.read("run_autograder").decode()
    assert '-m checks.grading.gradescope "$ROOT/submission" "$RESULTS" --step 9' in run
