"""Invariants of Embedding (specs/embedding.md), on top of every layer's rules: y = W[ids], dW[v] = sum of dy at v.

The inputs are integer ids, (N,) or (N, T), in [0, n_vocab) (checks/strategies.py, id_batches); the rules of
this suite build their own tables, Embedding(n_vocab, dim), with sizes drawn (V != dim).
"""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS, upstream
from checks.strategies import id_batches, non_square_sizes


def tables():
    """(n_vocab, dim) with n_vocab != dim, each in [1, 6]."""
    return non_square_sizes(6)


@st.composite
def lookups(draw, subject):
    """(layer, ids, y): a fresh Embedding(n_vocab, dim) of drawn sizes (V != dim), drawn ids, and y = forward(ids)."""
    n_vocab, dim = draw(tables())
    ids = draw(id_batches(n_vocab))
    layer = subject.implementation(n_vocab, dim)
    return layer, ids, layer.forward(ids)


def positions(ids, index=()):
    """(index, id) for every position of ids, (N,) or (N, T), in row-major order."""
    if isinstance(ids, list):
        return [pair for i, v in enumerate(ids) for pair in positions(v, index + (i,))]
    return [(index, ids)]


def each_output_row_is_the_row_of_w_at_its_id(subject):
    """y at every position is a copy of the row W[id] of the id at that position: y[n][t] = W[ids[n][t]]."""

    @given(lookups(subject))
    def holds(drawn):
        layer, ids, y = drawn
        W = layer.params["W"]
        n_vocab, dim = len(W), len(W[0])
        require(nested.shape(y) == nested.shape(ids) + (dim,),
                f"Embedding({n_vocab}, {dim}) on ids of shape {nested.shape(ids)} should give y of shape "
                f"{nested.shape(ids) + (dim,)}, got {nested.shape(y)}")
        for index, v in positions(ids):
            require_close(nested.read(y, index), W[v], f"Embedding({n_vocab}, {dim}): y{nested.where(index)} should "
                          f"be the row W[{v}] of its id {v} (an id off by one, or W transposed?); y row", 0.0)

    holds()


def dw_row_v_is_the_sum_of_dy_over_the_positions_with_id_v(subject):
    """After backward(dy), dW[v] = sum of dy[p] over every position p whose id is v, and 0 for an absent id:
    a repeated id adds up its positions' dy (+=, not =)."""

    @given(lookups(subject), st.data())
    def holds(drawn, data):
        layer, ids, y = drawn
        n_vocab, dim = len(layer.params["W"]), len(layer.params["W"][0])
        dy = upstream(data.draw, y)
        layer.backward(dy)
        expected = [[0.0] * dim for _ in range(n_vocab)]
        for index, v in positions(ids):
            expected[v] = [e + g for e, g in zip(expected[v], nested.read(dy, index))]
        require_close(layer.grads["W"], expected, f"Embedding({n_vocab}, {dim}) on ids {ids!r}: dW[v] should be the "
                      "sum of dy over the positions holding id v (a repeated id overwritten instead of added, or "
                      "written to another row?); dW", 1e-12)

    holds()


def backward_returns_zeros_of_the_ids_shape(subject):
    """backward(dy) returns dx = 0.0 at every position of the ids: an index has no derivative (specs/protocol.md,
    "Integer inputs")."""

    @given(lookups(subject), st.data())
    def holds(drawn, data):
        layer, ids, y = drawn
        dx = layer.backward(upstream(data.draw, y))
        require_close(dx, nested.apply(lambda v: 0.0, ids), "backward should return zeros of the ids' shape, "
                      "since an id is not differentiable; dx", 0.0)

    holds()


def rows_are_independent(subject):
    """Each row of ids looked up alone gives its row of y in the batch, and its share of dW with dy kept to it."""

    @given(lookups(subject), st.data())
    def holds(drawn, data):
        layer, ids, y = drawn
        dy = upstream(data.draw, y)
        layer.backward(dy)
        total = nested.copy(layer.grads["W"])
        shares = nested.apply(lambda v: 0.0, total)
        for n, row in enumerate(ids):
            require_close(layer.forward([row]), [y[n]], f"row {n} of ids looked up alone differs from its row in the "
                          "batch; y", 0.0)
            layer.backward([dy[n]])
            shares = nested.combine(lambda a, b: a + b, shares, layer.grads["W"])
        require_close(shares, total, "the rows' dW, each from its own row of ids and dy, should add up to the "
                      "batch's dW; dW", 1e-12)

    holds()


def ids_out_of_range_are_refused(subject):
    """An id below 0 or at n_vocab or above raises ValueError, whose one-line message names the rule: no silent
    wrap-around (W[-1] is the last row in Python)."""

    @given(tables(), st.sampled_from([-1, 0]), st.integers(0, 3))
    def holds(sizes, below, past):
        n_vocab, dim = sizes
        bad = below if below < 0 else n_vocab + past
        layer = subject.implementation(n_vocab, dim)
        try:
            layer.forward([[0, bad]])
        except Exception as e:  # by name: a graded submission's ValueError reaches the grader as its own class
            message = str(e)
            require(type(e).__name__ == "ValueError", f"Embedding({n_vocab}, {dim}) on the id {bad} raised "
                    f"{type(e).__name__}: {message}; it should raise ValueError naming the rule (ids in [0, n_vocab))")
            require("\n" not in message and "[0, " in message,
                    f"the ValueError for id {bad} should name the rule, ids in [0, n_vocab), in one line; got "
                    f"{message!r}")
            return
        require(False, f"Embedding({n_vocab}, {dim}) looked up the id {bad}, outside [0, {n_vocab}), without an "
                       "error; raise ValueError naming the rule")

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, each_output_row_is_the_row_of_w_at_its_id,
              dw_row_v_is_the_sum_of_dy_over_the_positions_with_id_v, backward_returns_zeros_of_the_ids_shape,
              rows_are_independent, ids_out_of_range_are_refused]
