"""Elementwise layers take a batch of any rank (specs/protocol.md, "Any rank"): a ReLU after a Conv2D or an RNN.

y and dx keep the shape of x, each entry what the layer gives it in a batch of rows (each example's entries in
row-major order), and the gradient checker passes them at ranks 3 and 4. Rank 2 is unchanged, the empty edge cases
included.
"""
import math
import random

import pytest

import reference
from checks import nested
from checks.gradcheck import check_layer

ELEMENTWISE = {"identity": reference.Identity, "relu": reference.ReLU, "leaky_relu": lambda: reference.LeakyReLU(0.1),
               "sigmoid": reference.Sigmoid, "tanh": reference.Tanh}
SHAPES = [(1, 2, 3, 2), (2, 1, 2, 3), (1, 3, 2), (3, 2, 4)]  # images (N, C, H, W) and sequences (N, T, D), N = 1 too


def batch(shape, seed, zeros=True):
    """Entries in [-2, 2], about one in six exactly 0.0 (the kink) when zeros, else none within 0.1 of it."""
    rng = random.Random(seed)
    draw = (lambda: rng.choice([0.0, *(rng.uniform(-2, 2) for _ in range(5))])) if zeros else \
        (lambda: rng.choice([-1.0, 1.0]) * rng.uniform(0.1, 2.0))
    return nested.unflatten([draw() for _ in range(math.prod(shape))], shape)


def as_rows(x):
    """(N, ...) -> (N, D'): each example's entries in row-major order."""
    return [nested.flatten(example) for example in x]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_each_entry_is_what_a_batch_of_rows_gives_it_and_the_shape_is_kept(name, shape):
    x, dy = batch(shape, 1), batch(shape, 2)
    on_rows, on_batch = ELEMENTWISE[name](), ELEMENTWISE[name]()
    y_rows, y = on_rows.forward(as_rows(x)), on_batch.forward(x)
    dx_rows, dx = on_rows.backward(as_rows(dy)), on_batch.backward(dy)
    assert nested.shape(y) == nested.shape(dx) == shape
    assert as_rows(y) == y_rows and as_rows(dx) == dx_rows


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_gradient_check_passes_at_ranks_3_and_4(name, shape):
    report = check_layer(ELEMENTWISE[name](), batch(shape, 3, zeros=False), name)
    assert report.passed, report.message()
    assert [b.shape for b in report.blocks] == [shape]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_an_empty_batch_and_a_batch_of_empty_rows_come_back_as_they_went_in(name):
    for x in ([], [[]], [[], []]):
        layer = ELEMENTWISE[name]()
        assert layer.forward(x) == x and layer.backward(x) == x


def test_a_relu_between_a_convolution_and_pooling_needs_no_flatten():
    model = reference.Sequential([reference.Conv2D(1, 2, 3, padding=1), reference.ReLU(), reference.MaxPool2D(2),
                                  reference.Flatten(), reference.Dense(8, 3, seed=1)])
    x = batch((2, 1, 4, 4), 4, zeros=False)
    assert nested.shape(model.forward(x)) == (2, 3)
    assert nested.shape(model.backward([[1.0, 0.0, -1.0]] * 2)) == (2, 1, 4, 4)
