"""Invariants of SGD (specs/sgd.md), on top of every optimizer's rules: p <- p - lr g, and nothing else."""
from hypothesis import given

from checks.properties.optimizers import EVERY_OPTIMIZER, LR, combine, moves, require_close_params
from checks.strategies import gradient_sequences, parameter_sets


def a_step_moves_each_parameter_by_exactly_minus_lr_times_its_gradient(subject):
    """One step moves every entry of every parameter by -lr * g (to rounding), for matrices and vectors."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        (move,) = moves(subject.make()(LR), params, [grads])
        expected = combine(params, grads, lambda p, g: (p - LR * g) - p)
        require_close_params(move, expected, f"with lr = {LR} a step should move each entry by -lr * g (a sign flip "
                                             "gives +lr * g, a missing lr gives -g); the move of params", 1e-12)

    holds()


def steps_have_no_memory(subject):
    """Each step depends on its own gradient only: the k-th of several steps moves by -lr * g_k."""

    @given(gradient_sequences(steps=3))
    def holds(pair):
        params, sequence = pair
        found = moves(subject.make()(LR), params, sequence)
        expected = [combine(grads, grads, lambda g, _: -LR * g) for grads in sequence]
        require_close_params(found, expected, "each step should move by -lr * g of that step, whatever came before "
                                              "(plain gradient descent keeps no velocity); the move of params", 1e-9)

    holds()


PROPERTIES = [*EVERY_OPTIMIZER, a_step_moves_each_parameter_by_exactly_minus_lr_times_its_gradient,
              steps_have_no_memory]
