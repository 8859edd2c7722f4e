"""The rubric: which checks a submission gets points for, and how many (specs/grading.md, "Rubric").

A rubric file is a JSON object, check name -> points (a number >= 0). It
overrides the defaults it names and keeps the others; 0 points leaves a
check out (it is not run). The properties check gives partial credit: its
points times the share of properties that hold. Every other check is all or
nothing.
"""
import json
import math

DEFAULT = {  # in the order the checks run and reports list them
    "forward": 2,  # output shape, and agreement with the reference's forward on the same parameters
    "value": 0,  # forward alone, backward never called (a loss's L): for a course step before derivatives
    "gradient": 4,  # backward against finite differences of the spec's forward, diagnosed; an optimizer: descent
    "consistency": 0,  # backward against finite differences of the submission's own forward (reported, not scored)
    "overwrite": 1,  # protocol rule 1: backward overwrites grads, never adds to them
    "fresh-cache": 1,  # backward uses the latest forward, not an older cache
    "no-mutation": 1,  # protocol rule 3: arguments are not modified
    "determinism": 1,  # protocol rule 4: the same call gives the same numbers
    "stability": 1,  # protocol rule 5: finite at inputs of magnitude 1e4
    "evaluation": 0,  # a layer with modes (Dropout, BatchNorm): after training forwards, evaluation follows the spec;
    #                   by default the mode rules count in "properties"; a rubric gives this check its own points
    "properties": 2,  # the component's own invariants (split evenly over its properties)
    "convention": 0,  # the spec's derivative at a kink (ReLU'(0) = 0); not graded unless a rubric gives it points
    "training": 0,  # one epoch of training on the bike data lowers the training loss (the loss-reduction check)
    "baseline": 2,  # a small model with the component beats predicting the mean
}


class RubricError(ValueError):
    """A rubric that breaks a rule; the message is one line."""


def load(path, base=None):
    """The rubric in the JSON file at path, merged over base (default: the defaults)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise RubricError(f"rubric {path}: cannot be read ({e.strerror or e})") from None
    except ValueError as e:
        raise RubricError(f"rubric {path}: not valid JSON ({e})") from None
    return merge(data, f"rubric {path}", base)


def merge(data, source="rubric", base=None):
    """data (check name -> points) over base (default: the defaults); RubricError names the first rule it breaks."""
    if not isinstance(data, dict):
        raise RubricError(f"{source}: must be a JSON object mapping check names to points, e.g. {{\"gradient\": 5}}")
    rubric = dict(DEFAULT if base is None else base)
    for name, points in data.items():
        if name not in DEFAULT:
            raise RubricError(f"{source}: unknown check '{name}'; checks are: {', '.join(DEFAULT)}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) \
                or points < 0:
            raise RubricError(f"{source}: points for '{name}' must be a number >= 0, got {json.dumps(points)}")
        rubric[name] = points
    if not any(rubric.values()):
        raise RubricError(f"{source}: every check has 0 points; give at least one check some points")
    return rubric


def points(max_score, passed, fraction=None):
    """The score of a check: all or nothing, or max_score times fraction (rounded to 2 decimals)."""
    share = fraction if fraction is not None else (1.0 if passed else 0.0)
    return round(max_score * share, 2)
