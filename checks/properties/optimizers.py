"""Rules every optimizer keeps, whatever its update (specs/protocol.md, "The training step").

subject.make() gives the optimizer class; it is built positionally, lr first:
cls(lr). step(params, grads) edits every params[name] in place from grads[name].
The strategies below draw named parameters of both shapes, matrices never square.
"""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.strategies import gradient_sequences, parameter_sets

LR = 0.1


def require_close_params(actual, expected, what, tolerance):
    """require_close over a dict of matrices and vectors, or over a list of such dicts (one per step); the
    message names the step, the parameter and the entry: "at step 2, <what>['0.W'][1][2]: got ..."."""
    if not isinstance(expected, (list, dict)) or (isinstance(expected, list) and not isinstance(expected[0], dict)):
        require_close(actual, expected, what, tolerance)
        return
    if isinstance(expected, list):
        require(isinstance(actual, list) and len(actual) == len(expected), f"{what}: expected {len(expected)} steps")
        for k, (a, e) in enumerate(zip(actual, expected), start=1):
            require_close_params(a, e, f"at step {k}, {what}" if len(expected) > 1 else what, tolerance)
        return
    names = sorted(actual) if isinstance(actual, dict) else type(actual).__name__
    require(isinstance(actual, dict) and set(actual) == set(expected),
            f"{what} should have the names {sorted(expected)}, got {names}")
    for name in expected:
        require_close(actual[name], expected[name], f"{what}['{name}']", tolerance)


def copied(value):
    """A deep copy of a dict of matrices and vectors (or of one of them)."""
    if isinstance(value, dict):
        return {name: copied(v) for name, v in value.items()}
    return [copied(v) for v in value] if isinstance(value, list) else value


def combine(a, b, f):
    """f(x, y) entry by entry over two matrices, vectors or dicts of them."""
    if isinstance(a, dict):
        return {name: combine(a[name], b[name], f) for name in a}
    if isinstance(a, list):
        return [combine(x, y, f) for x, y in zip(a, b)]
    return f(a, b)


def moves(optimizer, params, grad_sequence, lr=None):
    """Step a copy of params once per grads in the sequence (setting optimizer.lr = lr first, if given)
    -> the move of each step: {name: new - old}."""
    params, found = copied(params), []
    for grads in grad_sequence:
        if lr is not None:
            optimizer.lr = lr
        before = copied(params)
        optimizer.step(params, copied(grads))
        found.append(combine(params, before, lambda new, old: new - old))
    return found


def step_edits_params_in_place_and_nothing_else(subject):
    """step(params, grads) keeps the list objects of params (rows included), their shapes, and leaves grads as given."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        lists = {name: (p, [row for row in p if isinstance(row, list)]) for name, p in params.items()}
        shapes_before, grads_before = {n: nested.shape(p) for n, p in params.items()}, copied(grads)
        subject.make()(LR).step(params, grads)
        require(set(params) == set(lists), f"step changed the keys of params: {sorted(lists)} -> {sorted(params)}")
        for name, (p, rows) in lists.items():
            require(params[name] is p and all(a is b for a, b in zip(params[name], rows)),
                    f"step replaced params['{name}'] (or one of its rows) by a new list; edit the entries in place, "
                    "so that the layer that owns the list sees the new values")
            require(nested.shape(params[name]) == shapes_before[name],
                    f"step changed the shape of params['{name}'] from {shapes_before[name]}")
        require_close_params(grads, grads_before, "step changed grads; it should only read them: grads", 0.0)

    holds()


def a_zero_gradient_moves_nothing(subject):
    """On a fresh optimizer, a step whose gradients are all 0.0 leaves every parameter exactly as it was."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        zeros = combine(grads, grads, lambda g, _: 0.0)
        (move,) = moves(subject.make()(LR), params, [zeros])
        require_close_params(move, zeros, "a step with zero gradients moved params", 0.0)

    holds()


def the_first_step_moves_every_coordinate_against_its_gradient(subject):
    """On a fresh optimizer, every coordinate moves, in the direction opposite to its gradient: downhill."""

    @given(parameter_sets())
    def holds(pair):
        params, grads = pair
        (move,) = moves(subject.make()(LR), params, [grads])
        for name in grads:
            for index, g in flat(grads[name]):
                m = nested.read(move[name], index)
                require(m * g < 0.0, f"params['{name}']{nested.where(index)} moved by {m!r} for a gradient of {g!r}: "
                                     "a step must go against the gradient (is a sign flipped?)")

    holds()


def flat(value, index=()):
    """(index, entry) pairs of a matrix or a vector, index a tuple."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield from flat(v, index + (i,))
    else:
        yield index, value


def each_parameter_moves_as_if_it_had_its_own_optimizer(subject):
    """State is kept per parameter name: stepping params together (one joining on the second step) moves each
    exactly as a fresh optimizer of its own would."""

    @given(gradient_sequences(), st.data())
    def holds(pair, data):
        params, sequence = pair
        late = data.draw(st.sampled_from(sorted(params)))
        together = [{n: g for n, g in grads.items() if n != late or k > 0} for k, grads in enumerate(sequence)]
        found = moves_by_name(subject.make()(LR), params, together)
        for name in params:
            alone = moves_by_name(subject.make()(LR), {name: params[name]},
                                  [{name: grads[name]} for grads in together if name in grads])
            require_close(found[name], alone[name], f"params['{name}'] stepped with other parameters"
                          f"{' (it joins on the second step)' if name == late else ''} moved otherwise than alone, "
                          "in a fresh optimizer (is some state shared between names, or counted once per step?); "
                          f"moves", 1e-12)

    holds()


def moves_by_name(optimizer, params, grad_sequence):
    """Step a copy of params with each grads in turn (stepping only the names it holds) -> {name: [moves]}."""
    params, found = copied(params), {name: [] for name in params}
    for grads in grad_sequence:
        stepped = {name: params[name] for name in grads}
        before = copied(stepped)
        optimizer.step(stepped, copied(grads))
        for name in stepped:
            found[name].append(combine(stepped[name], before[name], lambda new, old: new - old))
    return found


def lr_is_read_at_each_step(subject):
    """An optimizer built with lr = 1 whose lr attribute is set to 0.1 before each step moves exactly as one
    built with lr = 0.1: a schedule changes the rate by setting optimizer.lr."""

    @given(gradient_sequences(steps=2))
    def holds(pair):
        params, sequence = pair
        expected = moves(subject.make()(LR), params, sequence)
        found = moves(subject.make()(1.0), params, sequence, lr=LR)
        require_close_params(found, expected, "with optimizer.lr set to 0.1 after building it with lr = 1, the moves "
                                              "differ from those of an optimizer built with lr = 0.1 (is lr copied "
                                              "at construction instead of read in step?); the move of params", 1e-12)

    holds()


EVERY_OPTIMIZER = [step_edits_params_in_place_and_nothing_else, a_zero_gradient_moves_nothing,
                   the_first_step_moves_every_coordinate_against_its_gradient,
                   each_parameter_moves_as_if_it_had_its_own_optimizer, lr_is_read_at_each_step]
