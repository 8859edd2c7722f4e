"""Diagnosis of a recurrent layer's gradients (RNN, LastStep): the mistakes of backpropagation through time.

Read by checks/gradcheck/diagnosis.py after its own hypotheses, through the protocol alone: the subject's x, the
output of its forward (every state h_t of an RNN), its dy and the layer's params (h0 among them when
checks/state.py presents the state as one). Each hypothesis recomputes the spec's backward (specs/rnn.md,
specs/last_step.md, "Partial derivatives") with one mistake, and holds when the analytic block equals it in
every entry:

- not-carried           (RNN) dh_t = dy_t: the gradient step t + 1 carries back is not added to step t's;
- not-summed-over-time  (RNN, a parameter) the block is one step's share alone: = where += belongs;
- state-off-by-one      (RNN, dWh) sum_t h_t^T da_t, (dh0) dL/dh_0: the state a step wrote where the one it
                        read belongs;
- every-step            (LastStep, dx) dy is sent to every step, as if y were a sum over time;
- wrong-step            (LastStep, dx) dy is sent to one step other than the last (the first: 0 for T - 1).
"""
from checks import nested
from checks.gradcheck.evidence import all_fit, count, reread
from checks.gradcheck.finite_differences import Entry
from reference.tensor import column_sums, matmul, transpose


def elman(subject):
    """(x, [h0, h_0, ..., h_{T-1}], params, dy) when the subject is an RNN of specs/rnn.md, else None."""
    params = getattr(getattr(subject, "layer", None), "params", None)
    x, y, dy = (getattr(subject, name, None) for name in ("x", "y", "dy"))
    if not isinstance(params, dict) or not {"Wx", "Wh", "b"} <= set(params) or len(nested.shape(x) or ()) != 3:
        return None
    (n, t, d), h = nested.shape(x), nested.shape(params["b"])[0]
    shapes = {"Wx": (d, h), "Wh": (h, h), "b": (h,)}
    if nested.shape(y) != (n, t, h) or any(nested.shape(params[k]) != s for k, s in shapes.items()):
        return None
    h0 = params.get("h0") or [[0.0] * h for _ in range(n)]
    return x, [h0] + [[s[step] for s in y] for step in range(t)], params, dy


def through_time(x, h, params, dy, carried=True, read=0):
    """The spec's BPTT with at most one mistake -> (each step's shares {"Wx", "Wh", "b"}, dx (N, T, D), dh0,
    dL/dh_0).

    carried False: dh_t = dy_t alone. read: dWh's share of step t is h[t + read]^T da_t (h[0] = h0): 0 is the
    state the step read (the spec), 1 the one it wrote."""
    shares, dx, carry = [None] * (len(h) - 1), [None] * (len(h) - 1), None
    for t in reversed(range(len(shares))):
        dy_t = [s[t] for s in dy]
        dh = [[g + c for g, c in zip(gr, cr)] for gr, cr in zip(dy_t, carry)] if carried and carry else dy_t
        da = [[g * (1.0 - v * v) for g, v in zip(*rows)] for rows in zip(dh, h[t + 1])]
        shares[t] = {"Wx": matmul(transpose([s[t] for s in x]), da), "Wh": matmul(transpose(h[t + read]), da),
                     "b": column_sums(da)}
        dx[t], carry = matmul(da, transpose(params["Wx"])), matmul(da, transpose(params["Wh"]))
    return shares, [[step[n] for step in dx] for n in range(len(x))], carry, dh


def total(shares, name):
    """The sum over the steps of their shares of one parameter."""
    values = [share[name] for share in shares]
    return nested.unflatten([sum(v) for v in zip(*map(nested.flatten, values))], nested.shape(values[0]))


def block_of(name, shares, dx, dh0, dh_first):
    """What this backward gives for the block name (dx, dWx, dWh, db or dh0), or None."""
    if name == "dx":
        return dx
    if name == "dh0":
        return dh0
    return total(shares, name[1:]) if name[1:] in ("Wx", "Wh", "b") else None


def equals(block, candidate):
    """Whether the analytic block equals candidate (a nested list of the block's shape) in every entry."""
    if candidate is None or not block.entries or nested.shape(candidate) != nested.shape(block.given):
        return False
    expected = [Entry(e.block, e.index, 0.0, nested.read(candidate, e.index), e.tolerance) for e in block.entries]
    return all_fit(expected, [e.analytic for e in block.entries])


def not_carried(block, subject):
    found = elman(subject)
    if found is None or len(found[1]) < 3 or not equals(block, block_of(block.name, *through_time(*found, False))):
        return None
    return "not-carried", (
        f"{block.name} equals the gradient with dh_t = dy_t at every step, in {count(block.entries)}: the gradient "
        f"that step t + 1 carries back, da_(t+1) . Wh^T, is not added to step t's; dh_t = dy_t + da_(t+1) . Wh^T "
        f"(backpropagation through time); {reread(subject)}")


def not_summed_over_time(block, subject):
    found = elman(subject)
    if found is None or block.name[1:] not in ("Wx", "Wh", "b") or len(found[1]) < 3:
        return None
    shares, steps = through_time(*found)[0], len(found[1]) - 1
    for t, share in enumerate(shares):
        if any(nested.flatten(share[block.name[1:]])) and equals(block, share[block.name[1:]]):
            which = {0: ", the last one a loop backward in time writes", steps - 1: ", the last one a loop forward "
                     "in time writes"}.get(t, "")
            return "not-summed-over-time", (
                f"{block.name} equals the share of step {t} alone (of {steps}{which}), in {count(block.entries)}: "
                f"the weights are the same at every step, so their gradient is the sum of the steps' shares; "
                f"add each step's share (+=) instead of assigning it (=); {reread(subject)}")
    return None


def state_off_by_one(block, subject):
    found = elman(subject)
    if found is not None and block.name == "dh0" and equals(block, through_time(*found)[3]):
        return "state-off-by-one", (
            f"dh0 equals dL/dh_0, the gradient of the state step 0 wrote, in {count(block.entries)}: dh0 is the "
            f"gradient of the state step 0 read, one step further back, dh0 = da_0 . Wh^T; {reread(subject)}")
    if found is None or block.name != "dWh" or not equals(block, total(through_time(*found, read=1)[0], "Wh")):
        return None
    return "state-off-by-one", (
        f"dWh equals sum_t h_t^T . da_t in {count(block.entries)}: step t's share is h_(t-1)^T . da_t, with the "
        f"state the step read (h_(t-1), h0 at t = 0), not the one it wrote (h_t); {reread(subject)}")


def sequence_selection(subject):
    """(N, T, H) of a layer that takes sequences (N, T, H) to rows (N, H) without params (LastStep), else None."""
    x, y = getattr(subject, "x", None), getattr(subject, "y", None)
    if getattr(getattr(subject, "layer", None), "params", None) or len(nested.shape(x) or ()) != 3:
        return None
    return nested.shape(x) if nested.shape(y) == (nested.shape(x)[0], nested.shape(x)[2]) else None


def placed(dy, steps, chosen):
    """dy (N, H) sent to the chosen steps of (N, T, H), zeros at the others."""
    return [[list(g) if t in chosen else [0.0] * len(g) for t in range(steps)] for g in dy]


def every_step(block, subject):
    shape = sequence_selection(subject)
    if block.name != "dx" or shape is None or shape[1] < 2 or not equals(block, placed(subject.dy, shape[1],
                                                                                        range(shape[1]))):
        return None
    return "every-step", (f"dx equals dy at every one of the {shape[1]} steps, in {count(block.entries)}: only the "
                          f"last step reached the output, so dx is dy there and 0 at the earlier steps; "
                          f"{reread(subject)}")


def wrong_step(block, subject):
    shape = sequence_selection(subject)
    if block.name != "dx" or shape is None:
        return None
    for t in range(shape[1] - 1):
        if equals(block, placed(subject.dy, shape[1], {t})):
            first = " (index 0 where T - 1, or -1, belongs)" if t == 0 else ""
            return "wrong-step", (f"dx holds dy at step {t} of {shape[1]}{first}, in {count(block.entries)}: dy "
                                  f"belongs at the last step, T - 1 = {shape[1] - 1}, the one forward returned; "
                                  f"{reread(subject)}")
    return None


HYPOTHESES = [not_carried, not_summed_over_time, state_off_by_one, every_step, wrong_step]
