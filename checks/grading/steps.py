"""The twelve steps of the course (specs/README.md), each a gradable unit and the checks that step teaches.

`python -m checks grade FILE --step N` grades the step's component with the
step's rubric; `python -m checks template --step N` prints its starter file.
A step may run a subset of the component's properties (step 1 runs only those
that call forward: derivatives come in step 3) and ask for a subset of the
methods (the starter of step 1 has no backward).
"""
from dataclasses import dataclass
from typing import Optional

from checks.grading.rubric import DEFAULT

PREDICTION = {"forward": 2, "properties": 2}
# The properties that call forward only, for the prediction steps: names in checks/properties/<component>.py
# (kept here, where `template` reads them without hypothesis; a test asserts each name is in its suite)
NEURON_FORWARD = ("output_is_one_column_affine_in_x", "a_zero_input_gives_b_and_a_one_hot_input_gives_w_d_plus_b")
MSE_FORWARD = ("loss_is_nonnegative", "a_single_miss_of_r_costs_r_squared_over_N_M")
DENSE_FORWARD = ("output_is_affine_in_x", "a_zero_input_gives_b_in_every_row")
WITHOUT_TRAINING = {**DEFAULT, "baseline": 0}
BACKPROPAGATION = ("output_has_one_row_per_input_row", "backward_is_linear_in_dy",
                   "permuting_the_batch_permutes_the_output", "forward_applies_the_layers_in_order",
                   "params_are_the_layers_own_lists_under_index_dot_name", "grads_are_the_layers_grads",
                   "backward_runs_the_layers_backward_in_reverse")


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    component: str
    rubric: dict  # check -> points; checks left out get 0
    properties: Optional[tuple] = None  # the properties its "properties" check runs; None: all that can be graded
    methods: Optional[tuple] = None  # the methods its starter file asks for; None: every method of the component

    @property
    def file(self):
        """The file the course writes this step's starter to: its own, so no step overwrites an earlier one's."""
        return f"step{self.number:02d}_{self.component}.py"

    @property
    def full_rubric(self):
        """The step's rubric over every check: the checks it leaves out at 0 points."""
        return {name: self.rubric.get(name, 0) for name in DEFAULT}


STEPS = {s.number: s for s in [
    Step(1, "A single neuron's prediction", "neuron", PREDICTION, NEURON_FORWARD, ("__init__", "forward")),
    Step(2, "The loss", "mse", {"value": 2, "properties": 2}, MSE_FORWARD, ("forward",)),
    Step(3, "The derivative of the loss, by hand and by finite differences", "mse", WITHOUT_TRAINING),
    Step(4, "Gradient descent on one weight", "neuron", DEFAULT),
    Step(5, "A layer as a matrix product", "dense", PREDICTION, DENSE_FORWARD, ("__init__", "forward")),
    Step(6, "Activations", "relu", WITHOUT_TRAINING),
    Step(7, "The chain rule through two layers", "dense", WITHOUT_TRAINING),
    Step(8, "Backpropagation in an MLP", "sequential", WITHOUT_TRAINING, BACKPROPAGATION),
    Step(9, "Mini-batches", "sgd", {"gradient": 4, "properties": 2}),
    Step(10, "Training on the bike data", "sgd", {"training": 4}),
    Step(11, "Beating the mean, and reading the curves", "sgd", {"baseline": 4}),
    Step(12, "Comparing with PyTorch", "sequential", DEFAULT),
]}


def later_step_with_every_method(step):
    """The first later step of the same component whose starter has every method, or None."""
    return next((s for s in STEPS.values() if s.number > step.number and s.component == step.component
                 and s.methods is None), None)
