"""Planted wrong implementations of the recurrence family (tests/planted.py says what each class carries)."""


# Embedding and gradient clipping ------------------------------------------------------------------------------

from reference.embedding import Embedding, looked_up  # noqa: E402
from reference.gradient_clipping import ClippedSGD, clip_grad_norm, squares  # noqa: E402
from reference.sgd import SGD  # noqa: E402


class EmbeddingWithItsOwnDW(Embedding):
    """The reference's forward and dx; dW from wrong_dw(dy), which each planted bug below writes."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["W"] = self.wrong_dw(dy)
        return dx

    def zeros(self, rows, columns):
        return [[0.0] * columns for _ in range(rows)]


class EmbeddingOverwritesRepeats(EmbeddingWithItsOwnDW):
    """dW[v] = dy at each position (= instead of +=): a repeated id keeps only its last position's dy."""

    component, block, diagnosis = "embedding", "dW", "overwritten-repeats"

    def wrong_dw(self, dy):
        dW = self.zeros(len(self.params["W"]), len(self.params["W"][0]))
        for v, dy_row in positions(self.ids, dy):
            dW[v] = list(dy_row)
        return dW


class EmbeddingGradientToNextRow(EmbeddingWithItsOwnDW):
    """dy added to the row of id + 1 (wrapping at the end of the table) instead of the row of the id."""

    component, block, diagnosis = "embedding", "dW", "wrong-row"

    def wrong_dw(self, dy):
        n_vocab = len(self.params["W"])
        dW = self.zeros(n_vocab, len(self.params["W"][0]))
        for v, dy_row in positions(self.ids, dy):
            dW[(v + 1) % n_vocab] = [a + g for a, g in zip(dW[(v + 1) % n_vocab], dy_row)]
        return dW


class EmbeddingTransposedGradient(EmbeddingWithItsOwnDW):
    """dW built as (dim, V), dW[j][v] += dy[j]: the transpose of the table's gradient."""

    component, block, diagnosis = "embedding", "dW", "transposed"

    def wrong_dw(self, dy):
        dW = self.zeros(len(self.params["W"][0]), len(self.params["W"]))
        for v, dy_row in positions(self.ids, dy):
            for j, g in enumerate(dy_row):
                dW[j][v] += g
        return dW


class EmbeddingWithoutIdCheck(Embedding):
    """Looks ids up without checking them: -1 silently reads the last row, n_vocab raises an IndexError."""

    component, property, words = "embedding", "ids_out_of_range_are_refused", "raise ValueError naming the rule"

    def forward(self, ids):
        self.ids = ids
        return looked_up(ids, self.params["W"])


class EmbeddingReturnsDy(Embedding):
    """backward returns dy itself as dx, as if ids were numbers the output passed through."""

    component, property, words = "embedding", "backward_returns_zeros_of_the_ids_shape", "zeros of the ids' shape"

    def backward(self, dy):
        super().backward(dy)
        return dy


def positions(ids, dy):
    """(id, dy row) for every position of ids, (N,) or (N, T)."""
    if isinstance(ids, list):
        return [pair for v, g in zip(ids, dy) for pair in positions(v, g)]
    return [(ids, dy)]


class ClippedSGDPerTensorNorm(ClippedSGD):
    """Each gradient clipped by its own norm: every name scaled by its own factor, the step's direction changed."""

    component, property, words = "gradient_clipping", "clipping_keeps_every_direction", "a norm per tensor"

    def step(self, params, grads):
        clipped = {}
        for name, g in grads.items():
            norm = squares(g) ** 0.5
            c = self.max_norm / norm if norm > self.max_norm else 1.0
            clipped[name] = scaled(g, c)
        SGD.step(self, params, clipped)


class ClippedSGDAlwaysScales(ClippedSGD):
    """Every gradient scaled by max_norm / ||g||, even when ||g|| is below max_norm: small steps are stretched."""

    component, property, words = "gradient_clipping", "below_the_bound_nothing_changes", "scaled up to max_norm?"

    def step(self, params, grads):
        norm = sum(squares(g) for g in grads.values()) ** 0.5
        self.norm = norm
        c = self.max_norm / norm if norm else 1.0
        SGD.step(self, params, {name: scaled(g, c) for name, g in grads.items()})


class ClippedSGDClipsGradsInPlace(ClippedSGD):
    """Clips the grads it is given in place (clip_grad_norm on grads itself), then steps: the layers' grads change."""

    component, property, words = "gradient_clipping", "step_leaves_grads_as_given_when_it_clips", "clip copies"

    def step(self, params, grads):
        self.norm = clip_grad_norm(grads, self.max_norm)
        SGD.step(self, params, grads)


def scaled(g, c):
    """A copy of the tensor g with every entry times c."""
    return [scaled(v, c) for v in g] if isinstance(g, list) else g * c
