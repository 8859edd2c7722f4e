"""The forward check: a submission's forward beside the reference's, on the same params and inputs.

layer_agreement and loss_agreement return None when the submission's output
equals the reference's (shape and values, relative tolerance AGREEMENT),
else one sentence naming the first difference. degenerate() names outputs
that cannot be a layer's or a loss's: the input returned unchanged, or an
output that does not depend on the input.
"""
import random

from checks import nested
from checks.components import LAYER, LOSS
from checks.grading.context import Verdict
from checks.properties import mismatch

AGREEMENT = 1e-7  # relative tolerance of forward against the reference
POINTS = 2  # forward batches per drawn variant
DEGENERATE = {"identity": "it returns its input unchanged",
              "constant output": "its output does not depend on its input",
              "all-zero gradient": "backward returns only zeros"}


def error_text(e):
    """An exception from the submission, for a message: its type, message and line in the file."""
    line = getattr(e, "line", None)
    return f"{type(e).__name__}: {e}" + (f" (line {line} of the file)" if line else "")


def copy_params(layer, reference, rng):
    """Draw new params into the submitted layer's lists and give reference the same; a message when their names
    or shapes differ."""
    names, expected = sorted(layer.params), sorted(reference.params)
    if names != expected:
        return f"params has the keys {names}, but the spec names them {expected}"
    for name in expected:
        found, wanted = nested.shape(layer.params[name]), nested.shape(reference.params[name])
        if found is None:
            given = layer.params[name]
            return (f"params['{name}'] is {type(given).__name__} {str(given)[:40]}, not a list: the spec gives it "
                    f"shape {wanted} (a vector is a list of numbers, a matrix a list of rows)")
        if found != wanted:
            return f"params['{name}'] has shape {found}; the spec gives it shape {wanted} for this layer"
        nested.fill(layer.params[name], lambda: rng.uniform(-1.0, 1.0))
        reference.params[name] = nested.copy(layer.params[name])
    return None


def layer_agreement(component, implementation, x, rng, seen):
    """None when the submitted layer's forward(x) equals the reference's with the same params, else why not.

    Both get the same params drawn from rng, written into the submitted layer's own lists (rule 2 of the
    protocol: params are read at call time): a bias still at its initial zeros would hide a missing bias.
    seen collects (x, y) for degenerate().
    """
    try:
        layer = component.build(implementation)
        reference = component.build(component.reference)
        problem = copy_params(layer, reference, rng)
        if problem:
            return problem
        y = layer.forward(nested.copy(x))
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when building the layer or calling forward on a batch of shape {nested.shape(x)}"
    seen.append((x, y))
    return compare("forward(x)", y, reference.forward(nested.copy(x)), f"x of shape {nested.shape(x)}")


def loss_agreement(component, implementation, point, seen):
    """None when the submitted loss gives the reference's value L at point, else why not; backward is not called."""
    y_pred, y_true = point
    expected = component.build(component.reference).forward(nested.copy(y_pred), nested.copy(y_true))
    try:
        found = component.build(implementation).forward(nested.copy(y_pred), nested.copy(y_true))
    except Exception as e:  # the submission's errors, raised here under their own names
        return f"{error_text(e)}, when calling forward with y_pred of shape {nested.shape(y_pred)}"
    seen.append((y_pred, found))
    return compare("forward(y_pred, y_true)", found, expected, f"y_pred of shape {nested.shape(y_pred)}")


def compare(call, got, expected, where):
    """None when got matches expected (shape and values), else a sentence naming the first difference."""
    if isinstance(expected, list):
        found = nested.shape(got)
        if found != nested.shape(expected):
            return shape_sentence(call, got, found, nested.shape(expected), where)
    elif isinstance(got, list) or isinstance(got, bool) or not isinstance(got, (int, float)):
        return f"{call} returned {str(got)[:60]} for {where}; a loss returns one float, the mean over the batch"
    index = mismatch(got, expected, AGREEMENT)
    if index is None:
        return None
    entry = nested.where(index)
    return (f"{call}{entry} is {nested.read(got, index)!r}, but the spec gives {nested.read(expected, index)!r} for the same {where} "
            f"and parameters")


def shape_sentence(call, got, found, wanted, where):
    """Why an output has the wrong shape, read the right way round."""
    if found is None:
        return (f"{call} returned {type(got).__name__} {str(got)[:60]} for {where}; it must return a list of rows "
                f"of shape {wanted}")
    if len(found) == 1 and len(wanted) == 2:
        return (f"{call} returned shape {found} for {where}, a flat list of {found[0]} numbers; it must return "
                f"{wanted[0]} rows of {wanted[1]}: shape {wanted}")
    return f"{call} has shape {found} for {where}; it must have shape {wanted}"


def degenerate(seen):
    """"identity" when every output equals its input, "constant output" when no output depends on its input,
    else None. seen: (input, output) pairs of forward at different inputs."""
    if len(seen) < 2:
        return None
    if all(nested.shape(x) == nested.shape(y) and nested.flatten(x) == nested.flatten(y) for x, y in seen):
        return "identity"
    rows = {}  # a row's width -> the rows of that width: a constant layer repeats one row for every input
    for _, y in seen:
        for row in (y if isinstance(y, list) else [y]):
            rows.setdefault(len(nested.flatten(row)), []).append(nested.flatten(row))
    if all(row == same[0] for same in rows.values() for row in same):
        return "constant output"
    return None


def forward(ctx):
    """Output shape and values against the reference on the same parameters and inputs, at both variants."""
    seen, problems = [], []  # every batch is tried, so that a degenerate output shows in all of them
    for variant in ctx.variants:
        component = variant.component
        for seed in range(POINTS):
            point, rng = component.points(random.Random(seed)), random.Random(f"params {ctx.seed} {seed}")
            problem = layer_agreement(component, ctx.implementation, point, rng, seen) if component.kind == LAYER \
                else loss_agreement(component, ctx.implementation, point, seen)
            if problem:
                problems.append(f"{problem} [{variant.described}]")
    if problems:
        kind = degenerate(seen)
        if kind:
            ctx.degenerate.append(kind)
        named = f" (forward looks degenerate: {DEGENERATE[kind]})" if kind else ""
        return Verdict(False, problems[0] + named, reread=f"{ctx.spec}, section \"Definition\"")
    what = "the value L agrees" if ctx.component.kind == LOSS else "forward agrees"
    shown = "; ".join(v.described for v in ctx.variants)
    return Verdict(True, f"{what} with the spec on {POINTS * len(ctx.variants)} batches ({shown}), shapes included")


def value(ctx):
    """forward alone agrees with the reference: a layer's y, a loss's L (backward is never called)."""
    return forward(ctx)
