"""Invariants of ClippedSGD (specs/gradient_clipping.md), on top of every optimizer's rules: a step moves by -lr g
with g scaled by min(1, max_norm / ||g||), ||g|| the global norm over every name.

subject.make() gives the class; it is built positionally: cls(lr, max_norm). The move of a step divided by -lr
is the clipped gradient, which the rules below read. "Each parameter moves as if it had its own optimizer" is
left out: the global norm ties the names together, which is the point.
"""
import math

from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close
from checks.properties.optimizers import (EVERY_OPTIMIZER, LR, combine, copied, flat, moves,
                                          require_close_params)
from checks.strategies import parameter_sets

SHARED_STATE = {"each_parameter_moves_as_if_it_had_its_own_optimizer"}  # the global norm couples the names


def global_norm(grads):
    return math.sqrt(math.fsum(g * g for t in grads.values() for _, g in flat(t)))


def bounds():
    return st.floats(min_value=0.1, max_value=20.0)


def clipped_by(subject, params, grads, max_norm):
    """The gradient one fresh step of cls(LR, max_norm) used: its move divided by -LR."""
    (move,) = moves(subject.make()(LR, max_norm), params, [grads])
    return combine(move, move, lambda m, _: -m / LR)


def the_norm_after_clipping_is_the_smaller_of_the_norm_and_max_norm(subject):
    """The gradient a step applies (its move divided by -lr) has global norm min(||g||, max_norm)."""

    @given(parameter_sets(), bounds())
    def holds(pair, max_norm):
        params, grads = pair
        norm, after = global_norm(grads), global_norm(clipped_by(subject, params, grads, max_norm))
        require_close(after, min(norm, max_norm), f"with max_norm = {max_norm!r} and gradients of global norm "
                      f"{norm!r} (over every name together), the step's gradient should have norm min(||g||, "
                      "max_norm); its norm", 1e-9)

    holds()


def clipping_keeps_every_direction(subject):
    """The step's gradient is c g with one factor c in (0, 1] for every entry of every name: the direction of the
    whole gradient is kept (one global norm, not one norm per tensor)."""

    @given(parameter_sets(count=2), bounds())
    def holds(pair, max_norm):
        params, grads = pair
        applied = clipped_by(subject, params, grads, max_norm)
        c = min(1.0, max_norm / global_norm(grads))
        require_close_params(applied, combine(grads, grads, lambda g, _: c * g),
                             f"every gradient should be multiplied by the same factor min(1, max_norm / ||g||) = "
                             f"{c!r}, with ||g|| the global norm over all names (a norm per tensor scales each "
                             "name by its own factor); the step's gradient", 1e-9)

    holds()


def below_the_bound_nothing_changes(subject):
    """When ||g|| <= max_norm the step is plain gradient descent: every entry moves by exactly -lr g."""

    @given(parameter_sets(), st.floats(min_value=1.0, max_value=4.0))
    def holds(pair, margin):
        params, grads = pair
        max_norm = global_norm(grads) * margin
        applied = clipped_by(subject, params, grads, max_norm)
        require_close_params(applied, grads, f"with ||g|| = {global_norm(grads)!r} at or below max_norm = "
                             f"{max_norm!r}, the gradients must not be scaled (scaled up to max_norm?); the step's "
                             "gradient", 1e-9)

    holds()


def step_leaves_grads_as_given_when_it_clips(subject):
    """A step that clips uses copies: grads, which belong to the layers, are left as given."""

    @given(parameter_sets(low=1.0))
    def holds(pair):
        params, grads = pair
        before = copied(grads)
        subject.make()(LR, 0.5).step(copied(params), grads)
        require_close_params(grads, before, "step clipped grads in place; an optimizer only reads them (clip copies; "
                             "clip_grad_norm is the in-place form); grads", 0.0)

    holds()


PROPERTIES = [*(p for p in EVERY_OPTIMIZER if p.__name__ not in SHARED_STATE),
              the_norm_after_clipping_is_the_smaller_of_the_norm_and_max_norm, clipping_keeps_every_direction,
              below_the_bound_nothing_changes, step_leaves_grads_as_given_when_it_clips]
