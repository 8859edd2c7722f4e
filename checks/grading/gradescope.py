"""Grade one Gradescope upload: find the file that defines the class, grade it, write results.json for the student.

    python3 -m checks.grading.gradescope SUBMISSION RESULTS (--step N | --component NAME) [--rubric FILE]

run_autograder (bundle.py) runs this for every upload. Students upload one
file, several (drafts, helpers) or a folder: every .py file under SUBMISSION
counts, except in hidden folders and __MACOSX/. The one file that defines
the expected class is graded, with the other .py files of its folder beside
it (helpers it may import), and the results say which file that was. Two
files that define the class, or several files and none that does, are refused
with a message the student can act on: the grader does not guess. Students
have no specs/: each failing check's "Reread specs/..., section ..." comes
with the text of that section (spec_text.py). Exit code 0 when every check
passed, 1 otherwise (a refusal too), 2 for a command line that breaks a rule.
"""
import argparse
import json
import os
import sys

from checks.grading import GRADABLE, formats
from checks.grading.spec_text import with_spec_text
from checks.grading.steps import STEPS
from checks.components import COMPONENTS

SKIPPED = ("__MACOSX", "__pycache__")


class Refused(Exception):
    """An upload the grader will not guess about; the message is for the student."""


def python_files(folder):
    """The .py files under folder, as sorted paths relative to it (hidden files and folders, __MACOSX/ skipped)."""
    found = []
    for here, subfolders, names in os.walk(folder):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in SKIPPED]
        found += [os.path.relpath(os.path.join(here, n), folder) for n in names
                  if n.endswith(".py") and not n.startswith(".")]
    return sorted(found)


def choose(folder, class_name):
    """The path (relative to folder) of the file to grade: the one that defines class_name; Refused otherwise."""
    from checks.grading.grade import top_classes
    files = python_files(folder)
    if not files:
        others = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        seen = f" (your upload holds {', '.join(others[:5])})" if others else ""
        raise Refused(f"Your upload has no .py file{seen}. Upload the .py file that defines class {class_name}.")
    defining = [f for f in files if class_name.lower() in top_classes(os.path.join(folder, f))]
    if len(defining) == 1:
        return defining[0]
    if defining:
        raise Refused(f"Several of your files define class {class_name}: {', '.join(defining)}. Upload only the one "
                      f"you want graded (delete or rename the others) and submit again.")
    if len(files) == 1:
        return files[0]
    raise Refused(f"None of your files defines class {class_name} ({', '.join(files)}). Name your class "
                  f"{class_name}, or upload only the file that holds it, and submit again.")


def results(report, graded, count):
    """Gradescope's results.json for a graded report: which file was graded, and the spec text to reread."""
    data = json.loads(formats.render(report, "gradescope"))
    which = f"Graded file: {graded}" + (f" (of your {count} .py files, the one that defines the class)"
                                        if count > 1 else "")
    data["output"] = f"{which}\n{data['output']}"
    for test in data["tests"]:
        if test["status"] != "passed":
            test["output"] = with_spec_text(test["output"])
    return data


def refusal(message):
    return {"score": 0, "output": message, "output_format": "text", "tests": []}


def grade_upload(folder, out, component, rubric, step):
    """(results dict, exit code) for the upload in folder."""
    from checks.grading.grade import NotGradable, grade
    class_name = COMPONENTS[component].class_name
    try:
        graded = choose(folder, class_name)
    except Refused as e:
        return refusal(str(e)), 1
    path = os.path.join(folder, graded)
    beside = [f for f in os.listdir(os.path.dirname(path)) if f.endswith(".py") and not f.startswith(".")]
    try:
        report = grade(path if len(beside) == 1 else os.path.dirname(path), component, rubric,
                       private=(os.path.dirname(os.path.abspath(out)),), step=step)
    except NotGradable as e:
        return refusal(f"{graded}: {e}"), 1
    report.file = graded
    return results(report, graded, len(python_files(folder))), 0 if report.passed else 1


def parser():
    p = argparse.ArgumentParser(prog="python3 -m checks.grading.gradescope", description=__doc__.split("\n")[0])
    p.add_argument("submission", metavar="SUBMISSION", help="the folder of the student's upload")
    p.add_argument("out", metavar="RESULTS", help="the results.json to write")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--component", choices=GRADABLE, metavar="NAME")
    which.add_argument("--step", type=int, choices=sorted(STEPS), metavar="N")
    p.add_argument("--rubric", metavar="FILE", help="a JSON rubric over the defaults")
    return p


def main(argv=None):
    from checks.grading.commands import UsageError, load_rubric
    args = parser().parse_args(argv)
    step = STEPS.get(args.step)
    try:
        rubric = load_rubric(args.rubric, args.step)
    except UsageError as e:
        print(f"{parser().prog}: {e}", file=sys.stderr)
        return 2
    data, code = grade_upload(args.submission, args.out, step.component if step else args.component, rubric, step)
    formats.write(args.out, json.dumps(data, indent=2, allow_nan=False) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
