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
