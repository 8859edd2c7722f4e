"""The recurrence family's declarations: layers on sequences (N, T, D), with their baseline on the bike sequences."""
import reference
from checks import nested
from checks.models import dense_like
from checks.grading.rubric import DEFAULT
from checks.kinds import SEQUENCES
from checks.registry import LAYER, Component, Step, Template
from reference.trainer import bike_sequences

# The RNN's shapes at the gradient-check points: D != H, so a transposed Wx or Wh has the wrong shape; T = 4 steps
# carry a gradient back three times; N = 3 rows sum into every parameter.
D, H, T, N = 3, 4, 4, 3
HIDDEN = 4  # the baseline model's RNN: a pass over 24 hours costs T (D + H) H products per sequence
FEATURES = len(bike_sequences.FEATURES) + 1  # D of the SEQUENCES task's windows: the features and the past count


def sequence_model(rnn=reference.RNN, last_step=reference.LastStep):
    """(RNN(D, 4) -> LastStep() -> Dense(4, 1), MSE): the family's baseline model, many-to-one on the bike sequences
    (D = len(bike_sequences.FEATURES) + 1 inputs per hour: the features and the past count)."""
    top = reference.Dense(HIDDEN, 1, seed=1)
    return reference.Sequential([rnn_like(rnn, FEATURES, HIDDEN), last_step(), top]), reference.MSE()


def last_hour_model(last_step):
    """(LastStep() -> Dense(D, 1), MSE): a linear model of the window's last hour, the count included: it learns a
    persistence forecast, in a fraction of the RNN's time."""
    return reference.Sequential([last_step(), dense_like(reference.Dense, FEATURES, 1, 0)]), reference.MSE()


def rnn_like(rnn, n_in, n_hidden, seed=0):
    """An RNN built positionally, then given the reference's initial weights (so runs compare)."""
    layer, start = rnn(n_in, n_hidden), reference.RNN(n_in, n_hidden, seed)
    for name in ("Wx", "Wh", "b"):
        layer.params[name] = start.params[name]
    return layer


def sequence_inputs(features=None):
    """The property inputs of a layer on sequences: (valid inputs, extreme inputs), as functions of the strategies."""
    return (lambda s: s.sequences(features),
            lambda s: s.sequences(features, s.values(-s.EXTREME, s.EXTREME)))


def rnn_draw(component, sizes):
    """RNN(D, H) with D != H on sequences (N, T, D), N != D, T in 2..4: what a grading draws."""
    d = sizes.width()
    h, n, t = sizes.other(d), sizes.non_square(d), sizes.choice((2, 3, 4))
    inputs, extreme = sequence_inputs(d)
    return (lambda impl: impl(d, h), lambda r: nested.gaussian(r, (n, t, d)), inputs, extreme,
            f"RNN({d}, {h}) on x ({n}, {t}, {d})")


def last_step_draw(component, sizes):
    """LastStep() on sequences (N, T, H), N != H, T in 2..4."""
    h = sizes.width()
    n, t = sizes.non_square(h), sizes.choice((2, 3, 4))
    inputs, extreme = sequence_inputs(h)
    return (component.build, lambda r: nested.gaussian(r, (n, t, h)), inputs, extreme,
            f"LastStep() on x ({n}, {t}, {h})")


# Step 16 grades forward over time and one step of backward: the properties that need no gradient carried back.
ONE_STEP = ("a_sequence_of_length_1_is_one_step", "the_output_at_t_does_not_depend_on_later_inputs",
            "the_weights_have_the_spec_s_shapes_and_range")
THROUGH_TIME = {**DEFAULT, "baseline": 0}  # step 17: every check but the training on the bike sequences

DECLARED = [
    Component("rnn", "RNN", LAYER, lambda impl: impl(D, H), lambda rng: nested.gaussian(rng, (N, T, D)),
              *sequence_inputs(D), SEQUENCES, lambda impl: sequence_model(rnn=impl), gradable=True, draw=rnn_draw,
              template=Template("n_in, n_hidden, seed=0", init_doc=(
                  'Wx (n_in, n_hidden), Wh (n_hidden, n_hidden) and b (n_hidden,), drawn from random.Random(seed):',
                  "rng.uniform(-k, k) with k = 1 / sqrt(n_hidden) for every entry, Wx row by row, then Wh, then b",
                  '(specs/rnn.md, "Definition"). params = {"Wx": Wx, "Wh": Wh, "b": b}; grads has the same keys',
                  "and shapes."), notes=(
                  "x is a batch of sequences (N, T, D), the output h (N, T, H): one state per step. The grader",
                  "calls forward(x) and backward(dy) only, from h0 = zeros; the spec's optional h0 argument and",
                  "dh0 attribute are not graded (specs/rnn.md, \"Conventions\")."), imports=("math", "random")),
              steps=(Step(16, "One recurrent step, forward and back", {"forward": 2, "properties": 3}, ONE_STEP),
                     Step(17, "Backpropagation through time", THROUGH_TIME))),
    Component("last_step", "LastStep", LAYER, lambda impl: impl(), lambda rng: nested.gaussian(rng, (N, T, 2)),
              *sequence_inputs(), SEQUENCES, last_hour_model, gradable=True,
              draw=last_step_draw),
]


# LSTM and GRU (specs/lstm.md, specs/gru.md): the gated layers, declared after RNN as reference.__all__ orders them.
# Checked as (D, H) = (3, 2) on the RNN's sequences (N, T, D) = (3, 4, 3): D != H, and 4H or 3H gate columns.

GATED_HIDDEN = 2  # H at the check points: an LSTM's full gradient check then perturbs 36 + 24 + 16 + 8 entries
GATED_SIZES = {"d": (2, 3, 4), "h": (2, 3), "n": (2, 3), "t": (3, 4)}  # what a grading draws: small, as steps cost


def gated_draw(component, sizes):
    """LSTM(D, H) or GRU(D, H) with D != H, on sequences (N, T, D) with N != D: what a grading draws."""
    d = sizes.choice(GATED_SIZES["d"])
    h = sizes.choice([v for v in GATED_SIZES["h"] if v != d])
    n, t = sizes.choice([v for v in GATED_SIZES["n"] if v != d]), sizes.choice(GATED_SIZES["t"])
    return (lambda impl: impl(d, h), lambda r: nested.gaussian(r, (n, t, d)), *sequence_inputs(d),
            f"{component.class_name}({d}, {h}) on x ({n}, {t}, {d})")


def gated_model(implementation, reference_class, hidden):
    """(implementation(D, H) -> LastStep() -> Dense(H, 1), MSE) on the bike sequences, as the RNN's model; the layer
    starts from the reference's initial weights, so a submission's run compares with the reference's."""
    from checks.baseline import TASKS
    features = len(TASKS[SEQUENCES].data()[0][0][0][0])
    layer, start = implementation(features, hidden), reference_class(features, hidden)
    for name, value in start.params.items():
        layer.params[name] = value
    return reference.Sequential([layer, reference.LastStep(), reference.Dense(hidden, 1, seed=1)]), reference.MSE()


def gated(name, class_name, template, baseline_hidden, steps=()):
    """A gated recurrent layer: built as (D, H) = (3, 2), checked on sequences (3, 4, 3), gradable."""
    model = lambda impl: gated_model(impl, getattr(reference, class_name), baseline_hidden)  # noqa: E731
    return Component(name, class_name, LAYER, lambda impl: impl(D, GATED_HIDDEN),
                     lambda rng: nested.gaussian(rng, (N, T, D)), *sequence_inputs(D), SEQUENCES, model,
                     gradable=True, template=template, steps=steps, draw=gated_draw)


def gated_template(gates, params, states):
    """The starter of a gated layer: its constructor written by the learner; its states and their gradients."""
    return Template("n_in, n_hidden, seed=0", init_doc=(
        f"{params}, drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] by random.Random(seed) in that order, each row by",
        f"row; gate blocks in the order {gates}. params holds them; grads has the same keys and shapes."),
        notes=("x is a batch of sequences (N, T, D), the output h (N, T, H): one state per step. The grader",
               f"calls forward(x) and backward(dy) only, from zero states; the spec's optional {states} arguments",
               "and the attributes they give are not graded (specs/protocol.md, \"State inputs\")."),
        imports=("math", "random"))


# The baselines' H, from the reference's seed-0 weights: LSTM(6, 2) scores 0.69 of the mean's MSE, GRU(6, 5) 0.67.
# Two epochs of 16-row batches at lr 0.3 are few steps for a gated layer: other seeds or widths scored 0.62 to 1.17.
LSTM_BASELINE_HIDDEN, GRU_BASELINE_HIDDEN = 2, 5
LSTM_STEP = Step(18, "An LSTM cell", {"forward": 2, "gradient": 4, "overwrite": 1, "fresh-cache": 1,
                                      "no-mutation": 1, "properties": 2})
DECLARED[1:1] = [
    gated("lstm", "LSTM", gated_template("i, f, g, o", "Wx (n_in, 4 n_hidden), Wh (n_hidden, 4 n_hidden), "
                                         "b (4 n_hidden,)", "h0, c0"), LSTM_BASELINE_HIDDEN, steps=(LSTM_STEP,)),
    gated("gru", "GRU", gated_template("r, z, n", "Wx (n_in, 3 n_hidden), Wh (n_hidden, 3 n_hidden), bx and bh "
                                       "(3 n_hidden,)", "h0"), GRU_BASELINE_HIDDEN),
]


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
