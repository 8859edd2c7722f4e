"""The recurrence family's declarations: layers on sequences (N, T, D), with their baseline on the bike sequences."""

DECLARED = []


# Embedding and gradient clipping ------------------------------------------------------------------------------
# Embedding takes integer ids, so its gradient check compares dW alone (specs/protocol.md, "Integer inputs"); its
# baseline learns the bike data's hourly profile from the hour id (checks/baseline.py, HOURS). Gradient clipping is
# gradable as ClippedSGD, an optimizer: the grader takes a class, and an optimizer's step is where clipping acts.

import math  # noqa: E402

import reference  # noqa: E402
from checks.descent import descent_point, small_network  # noqa: E402
from checks.kinds import HOURS, LAYER, OPTIMIZER, REGRESSION  # noqa: E402
from checks.models import dense_like, stepping  # noqa: E402
from checks.registry import Component, Template  # noqa: E402

VOCABULARY, WIDTH = 5, 3  # Embedding(5, 3) at the check points: V != dim, so a transposed dW has the wrong shape


def id_point(rng, n=3, t=4, n_vocab=VOCABULARY):
    """ids (n, t) in [0, n_vocab): n t > n_vocab, so some id repeats (a dW that overwrites instead of adding shows),
    and row 0 holds one id twice: an overwriting dW keeps one of the two, so it cannot pass for row 0's share."""
    ids = [[rng.randrange(n_vocab) for _ in range(t)] for _ in range(n)]
    ids[0][-1] = ids[0][0]
    return ids


def embedding_draw(component, sizes):
    """Embedding(V, dim) with V != dim, on ids (N, T) with N != T and N T > V, drawn from the grading's seed."""
    v = sizes.width()
    dim, n = sizes.other(v), sizes.choice(range(2, 5))
    t = sizes.choice(k for k in range(2, 6) if k != n and n * k > v)
    return (lambda impl: impl(v, dim), lambda r: id_point(r, n, t, v), lambda s: s.id_batches(v),
            lambda s: s.id_batches(v, extreme=True), f"Embedding({v}, {dim}) on ids ({n}, {t})")


def hours_model(implementation):
    """(Embedding(24, 4) -> Dense(4, 1), MSE): the hour id's learned vector, read out to the count.

    The table starts from the reference's rows (seed 0), so that runs compare, scaled by 0.1. From N(0, 1) rows
    the outputs start near 1.5 against targets near 0.2: the Dense shrinks its weights first, the rows' gradient
    (dy times those weights) vanishes with them, and 2 epochs end at 88% of the mean's MSE; from rows of N(0, 0.01)
    they end at 47% (the margin asks for 85%)."""
    table = implementation(24, 4)
    table.params["W"] = [[0.1 * w for w in row] for row in reference.Embedding(24, 4).params["W"]]
    return reference.Sequential([table, dense_like(reference.Dense, 4, 1, 0)]), reference.MSE()


def clipped_first_step(grads, max_norm=1.0):
    """ClippedSGD(lr)'s first step moves along -lr g min(1, max_norm / ||g||), ||g|| over every name at once."""
    norm = sum(v * v for g in grads.values() for row in g for v in (row if isinstance(row, list) else [row])) ** 0.5
    c = min(1.0, max_norm / norm) if norm else 1.0
    return {name: [[c * v for v in row] for row in g] if isinstance(g[0], list) else [c * v for v in g]
            for name, g in grads.items()}


def clipping_point(rng):
    """A descent point (x, t, seed) on either side of max_norm = 1, each with probability 1/2: targets 10 times the
    usual draw (a gradient norm far above 1), or the network's own outputs moved by at most 0.01 (far below 1)."""
    far_above = rng.random() < 0.5  # make check's seeds 0, 1, 2 give below, above, below
    x, t, seed = descent_point(rng)
    if far_above:
        return x, [[10.0 * v for v in row] for row in t], seed
    outputs = small_network(seed).forward(x)
    return x, [[y + 0.01 * math.tanh(v) for y, v in zip(*rows)] for rows in zip(outputs, t)], seed


DECLARED += [
    Component("embedding", "Embedding", LAYER, lambda impl: impl(VOCABULARY, WIDTH), id_point,
              lambda s: s.id_batches(VOCABULARY), lambda s: s.id_batches(VOCABULARY, extreme=True), HOURS,
              hours_model, gradable=True, draw=embedding_draw,
              template=Template("n_vocab, dim, seed=0", init_doc=(
                  "W (n_vocab, dim): rows of random.Random(seed).gauss(0.0, 1.0), drawn row by row;",
                  'params = {"W": W}; grads = {"W": ...} of the same shape. Keep n_vocab to check the ids.'),
                  notes=("The input is a batch of integer ids, (N,) or (N, T), not floats: forward looks their",
                         "rows up; backward adds dy into those rows of dW and returns zeros of the ids' shape."),
                  imports=("random",))),
    Component("gradient_clipping", "ClippedSGD", OPTIMIZER, lambda impl: impl, clipping_point,
              lambda s: s.parameter_sets(), lambda s: s.parameter_sets(1e-6, 1e4), REGRESSION,
              lambda impl: stepping(impl(0.1)), first_step=clipped_first_step, gradable=True,
              template=Template("lr, max_norm=1.0", body=(
                  "self.lr = lr  # read at every step (a schedule may set it), as SGD reads it",
                  "self.max_norm = max_norm  # the bound on the global norm of all gradients together"))),
]
