"""Checks of neural-network components: gradient checks, property suites, baselines and grading.

In a notebook, `from checks import grade; grade(MyDense, step=7)` grades a
class defined in a cell (checks/grading/notebook_api.py). Importing checks
imports nothing else: the commands that need no third-party package stay so.
"""


def grade(cls, step=None, component=None, seed=None, rubric=None, limits=None):
    """Grade a class (e.g. one defined in a notebook) as a course step or a component, in the isolated grader.

    grade(MyDense, step=7) or grade(MyDense, component="dense") -> a report that
    prints as text and shows as HTML in a notebook; .score, .max_score, .passed
    and .checks as in the grader's Report.
    """
    from checks.grading.notebook_api import grade as grade_class
    return grade_class(cls, step=step, component=component, seed=seed, rubric=rubric, limits=limits)
