"""The recurrence family's declarations: layers on sequences (N, T, D), with their baseline on the bike sequences."""

DECLARED = []


# LSTM and GRU: gated recurrent layers (specs/lstm.md, specs/gru.md).

import reference  # noqa: E402  (each block of this module keeps its own imports)
from checks.kinds import LAYER, SEQUENCES  # noqa: E402
from checks.registry import Component, Step, Template  # noqa: E402

GATED_SIZES = {"n": (2, 3), "t": (3, 4), "d": (2, 3, 4), "h": (2, 3)}  # what a grading draws: small, every step costs
GATED_HIDDEN = 8  # the hidden width of the baseline's recurrent layer


def sequence_point(rng, n=3, t=4, d=3, scale=1.5):
    """x (N, T, D) of Gaussian entries: N = 3 sequences of T = 4 steps, D = 3 (H = 2 in the checks: D != H)."""
    return [[[rng.gauss(0.0, scale) for _ in range(d)] for _ in range(t)] for _ in range(n)]


def gated_draw(component, sizes):
    """LSTM(D, H) or GRU(D, H) with D != H, on sequences (N, T, D) with N != D: small, as every step costs a pass."""
    d = sizes.choice(GATED_SIZES["d"])
    h = sizes.choice([v for v in GATED_SIZES["h"] if v != d])
    n, t = sizes.choice([v for v in GATED_SIZES["n"] if v != d]), sizes.choice(GATED_SIZES["t"])
    return (lambda impl: impl(d, h), lambda r: sequence_point(r, n, t, d), lambda s: s.sequences(d),
            lambda s: s.sequences(d, s.values(-s.EXTREME, s.EXTREME)),
            f"{component.class_name}({d}, {h}) on x ({n}, {t}, {d})")


def gated_model(implementation):
    """(implementation(D, 8) -> LastStep -> Dense(8, 1), MSE) on the bike sequences: the next hour's count."""
    from reference.trainer.bike_sequences import FEATURES
    d = len(FEATURES) + 1  # each hour's features, then its count
    return reference.Sequential([implementation(d, GATED_HIDDEN), reference.LastStep(),
                                 reference.Dense(GATED_HIDDEN, 1, seed=1)]), reference.MSE()


def gated(name, class_name, template, steps=()):
    """A gated recurrent layer: built as (D, H) = (3, 2), checked on sequences (3, 4, 3), gradable."""
    return Component(name, class_name, LAYER, lambda impl: impl(3, 2), sequence_point, lambda s: s.sequences(3),
                     lambda s: s.sequences(3, s.values(-s.EXTREME, s.EXTREME)), SEQUENCES, gated_model,
                     gradable=True, template=template, steps=steps, draw=gated_draw)


def gated_template(gates, params, states):
    """The starter of a gated layer: its constructor written by the learner, its forward's extra arguments."""
    return Template("n_in, n_hidden, seed=0", init_doc=(
        f"{params}, drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] by random.Random(seed) in that order, each row by",
        f"row; gate blocks in the order {gates}. params holds them; grads has the same keys and shapes."),
        notes=(f"forward takes the initial state too: write it as forward(self, x, {states}) with None",
               "meaning zeros (specs/protocol.md, \"Any rank\"). The checks call forward(x) with sequences",
               "(N, T, D) and compare every gradient, dx and each grads[name], with finite differences."),
        imports=("math", "random"))


LSTM_STEP = Step(18, "An LSTM cell", {"forward": 2, "gradient": 4, "overwrite": 1, "fresh-cache": 1,
                                      "no-mutation": 1, "properties": 2})
DECLARED += [
    gated("lstm", "LSTM", gated_template("i, f, g, o", "Wx (n_in, 4 n_hidden), Wh (n_hidden, 4 n_hidden), b (4 n_hidden,)",
                                         "h0=None, c0=None"), steps=(LSTM_STEP,)),
    gated("gru", "GRU", gated_template("r, z, n", "Wx (n_in, 3 n_hidden), Wh (n_hidden, 3 n_hidden), bx and bh "
                                                  "(3 n_hidden,)", "h0=None")),
]
