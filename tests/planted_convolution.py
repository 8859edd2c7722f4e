"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries)."""
import itertools

from checks import nested
from reference import Flatten
from reference.flatten import dims_of


def column_major(dims):
    """The index tuples of a tensor of shape dims with the first axis fastest (Fortran's order)."""
    return [tuple(reversed(index)) for index in itertools.product(*(range(d) for d in reversed(dims)))]


class FlattenColumnMajor(Flatten):
    """Reads each example in column-major order (the first axis fastest), and backward undoes that same order:
    consistent with itself, so only the order property sees it."""

    component, property, words = "flatten", "reads_each_example_in_row_major_order", "row-major order puts"

    def forward(self, x):
        self.dims = dims_of(x[0])
        return [[nested.read(example, index) for index in column_major(self.dims)] for example in x]

    def backward(self, dy):
        dx = [nested.unflatten([0.0] * len(row), self.dims) for row in dy]
        for example, row in zip(dx, dy):
            for index, g in zip(column_major(self.dims), row):
                nested.write(example, index, g)
        return dx


class FlattenBackwardColumnMajor(Flatten):
    """forward reads row-major, but backward puts dy back in column-major order: dx lands in the wrong places."""

    component, property, words = "flatten", "flatten_then_its_inverse_is_the_identity", "should give x back"

    def backward(self, dy):
        dx = [nested.unflatten([0.0] * len(row), self.dims) for row in dy]
        for example, row in zip(dx, dy):
            for index, g in zip(column_major(self.dims), row):
                nested.write(example, index, g)
        return dx
