"""Property suites: the invariants every implementation of a component keeps.

A property is a function prop(subject) whose docstring states the rule. It
builds fresh instances with subject.make(), searches inputs with hypothesis,
and raises PropertyFailure with a message for a student when the rule breaks.
checks/properties/<component>.py lists a component's properties in PROPERTIES.

Modes and rows (specs/protocol.md): subject.evaluating() is the same subject
whose instances are made in evaluation mode (training = False), and
in_both_modes(prop) runs a property in training mode, then in evaluation
mode. A property marked @independent_rows assumes that row i of the output
depends on row i of the input alone; run() skips it, as passed with a note,
for a subject whose rows depend on each other (rows_independent False), and
for a stochastic one in training mode (its draw follows the entries' order).
"""
import dataclasses
import functools
import importlib
import math
import re
from dataclasses import dataclass
from typing import Callable

from hypothesis.strategies import SearchStrategy

from checks import nested



class PropertyFailure(AssertionError):
    """An invariant broke; the message says which value broke it and where."""


@dataclass(frozen=True)
class Subject:
    """What a property needs of the implementation under test."""

    name: str  # the component, e.g. "relu"
    make: Callable  # () -> a fresh instance, built as the checks build it
    inputs: SearchStrategy  # valid inputs: x batches for a layer, (y_pred, y_true) for a loss
    extreme: SearchStrategy  # valid inputs at the edge of the promised range
    implementation: object = None  # the class itself, for properties about constructor arguments
    rows_independent: bool = True  # False: an output row depends on other rows of the batch (batch statistics)
    training: bool = True  # the mode its instances are made in
    stochastic: bool = False  # its instances draw random numbers in training mode (they own an rng)

    def evaluating(self):
        """This subject, its instances made in evaluation mode (layer.training = False before any call)."""
        return dataclasses.replace(self, make=functools.partial(in_mode, self.make, False), training=False)


def in_mode(make, training):
    """make() with its training attribute set (specs/protocol.md, "Modes")."""
    obj = make()
    obj.training = training
    return obj


def independent_rows(prop):
    """Mark a property that assumes rows are independent: it is skipped for a subject whose rows are not."""
    prop.needs_independent_rows = True
    return prop


def in_both_modes(prop):
    """The property prop, run in training mode and then in evaluation mode; a failure says which mode."""

    @functools.wraps(prop)
    def both(subject):
        prop(subject)
        try:
            prop(subject.evaluating())
        except PropertyFailure as e:
            raise PropertyFailure(f"in evaluation mode (training = False): {e}") from e

    return both


@dataclass
class Outcome:
    """The result of one property on one subject."""

    name: str
    rule: str
    passed: bool
    message: str = ""
    skipped: bool = False  # not applicable to this subject (passed, with the reason as message)


def require(condition, message):
    """Raise PropertyFailure(message) unless condition holds."""
    if not condition:
        raise PropertyFailure(message)


def mismatch(actual, expected, tolerance=1e-9, index=()):
    """The first index where two nested lists of floats differ beyond tolerance, or None if they agree."""
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return index
        for i, (a, e) in enumerate(zip(actual, expected)):
            found = mismatch(a, e, tolerance, index + (i,))
            if found is not None:
                return found
        return None
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return index
    if abs(actual - expected) <= tolerance * (1.0 + max(abs(actual), abs(expected))):
        return None
    return index


def require_close(actual, expected, what, tolerance=1e-9):
    """Raise PropertyFailure naming the first entry where actual and expected differ."""
    index = mismatch(actual, expected, tolerance)
    if index is not None:
        where = nested.where(index)
        got = nested.read(actual, index) if _reachable(actual, index) else "(missing or wrong shape)"
        raise PropertyFailure(f"{what}{where}: got {got!r}, expected {nested.read(expected, index)!r}")


def require_same_shape(actual, like, what, like_what):
    """Raise PropertyFailure unless actual has the shape of like (a matrix or a vector)."""
    found, expected = nested.shape(actual), nested.shape(like)
    require(found == expected, f"{what} should have the shape of {like_what}, {expected}, but has shape {found}")


def _reachable(value, index):
    try:
        nested.read(value, index)
        return True
    except (IndexError, TypeError, KeyError):
        return False


def finite(value):
    """True when value is a float, or a nested list of floats, with no NaN or infinity."""
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def rule_of(prop):
    """The first line of a property's docstring: the rule it checks."""
    return (prop.__doc__ or prop.__name__).strip().splitlines()[0]


def suite(component):
    """The list of properties of a component, from checks/properties/<component>.py."""
    return list(importlib.import_module(f"checks.properties.{component}").PROPERTIES)


def run(prop, subject):
    """Run one property on a subject -> Outcome; any exception counts as a failure with its reason."""
    if getattr(prop, "needs_independent_rows", False) and not subject.rows_independent:
        return Outcome(prop.__name__, rule_of(prop), True, "skipped: this layer's output rows depend on each "
                       "other (rows_independent = False), and the rule assumes they do not", skipped=True)
    if getattr(prop, "needs_independent_rows", False) and subject.stochastic and subject.training:
        return Outcome(prop.__name__, rule_of(prop), True, "skipped: in training mode this layer's random draw "
                       "follows the order of the entries, so a row's output depends on its place", skipped=True)
    try:
        prop(subject)
    except PropertyFailure as e:
        return Outcome(prop.__name__, rule_of(prop), False, _with_example(str(e), e))
    except Exception as e:  # the implementation under test raised: that breaks the rule too
        return Outcome(prop.__name__, rule_of(prop), False, _with_example(f"{type(e).__name__}: {e}", e))
    return Outcome(prop.__name__, rule_of(prop), True)


def _with_example(message, error):
    """Append hypothesis's falsifying example (shrunk, when the profile shrinks) in plain words."""
    notes = [" ".join(n.split()) for n in getattr(error, "__notes__", [])]
    example = next((n for n in notes if n.startswith(("Falsifying example", "Failing test case"))), None)
    if example:
        message += " | failing input: " + plain(example)
        drawn = [n.split(":", 1)[1].strip() for n in notes if re.match(r"Draw \d+:", n)]
        message += "".join(f"; then drawn: {d}" for d in drawn[:3])
    return message


def plain(example):
    """hypothesis's "Falsifying example: holds(x=[[0.0]], data=data(...), )" as "x = [[0.0]]"."""
    text = re.sub(r"^[^:]*: \w+\(\s*", "", example)
    text = re.sub(r"\s*\bdata=data\(\.\.\.\),?", "", text)
    text = re.sub(r",?\s*\)$", "", text.strip())
    return re.sub(r"(^|, )(\w+)=", r"\1\2 = ", text.strip().rstrip(","))
