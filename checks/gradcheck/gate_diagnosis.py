"""Diagnosis of a gated recurrent layer's gradients (LSTM, GRU): the mistakes of backpropagation through time.

Read by checks/gradcheck/diagnosis.py right after the shape hypotheses, through the protocol alone. Each hypothesis
is a named mistake: a copy of the reference layer that makes it, given the checked layer's params, the
check's x and dy. When the failing block equals that copy's gradient, entry by entry (to the check's own
tolerance), the mistake is named:

- cell-tanh-slope          (LSTM) dc = dc_next + dh * o: the slope 1 - tanh(c_t)^2 of h_t = o tanh(c_t) is left out;
- cell-not-carried         (LSTM) dc_{t-1} = 0: the cell's gradient dc * f never reaches the previous step;
- gate-order               (LSTM) the gate gradients stacked as i, f, o, g (CS231n's order) while forward
                           reads i, f, g, o;
- not-summed-over-time     a weight's gradient assigned (=) at each step instead of added (+=): the share
                           of the last step processed, t = 0, alone (the RNN's code, recurrence_diagnosis.py);
- update-gate-swapped      (GRU) backward derives h_t = z * n + (1 - z) * h_{t-1} while forward computes
                           h_t = (1 - z) * n + z * h_{t-1}.

A layer is recognized by its params: Wx (D, 4H), Wh (H, 4H), b (4H,) is an LSTM; Wx (D, 3H), Wh (H, 3H),
bx, bh (3H,) a GRU; x must be a batch of sequences (N, T, D).
"""
from checks import nested
from checks.gradcheck.evidence import all_fit, count, reread
from checks.gradcheck.finite_differences import Entry
from reference.gru import GRU
from reference.lstm import LSTM


class ForgetsTanhSlope(LSTM):
    def cell_gradient(self, dh, dc_next, o, tanh_c):
        return [[u + v * ov for u, v, ov in zip(*rows)] for rows in zip(dc_next, dh, o)]


class CellNotCarried(LSTM):
    def step_backward(self, t, dh, dc_next):
        dx, dh_prev, dc_prev = super().step_backward(t, dh, dc_next)
        return dx, dh_prev, [[0.0] * len(row) for row in dc_prev]


class CS231nGateOrder(LSTM):
    def gate_gradients(self, t, dh, dc, tanh_c):
        h = self.n_hidden
        return [row[:2 * h] + row[3 * h:] + row[2 * h:3 * h] for row in super().gate_gradients(t, dh, dc, tanh_c)]


def overwritten(layer_class, name):
    """The layer_class whose grads[name] is assigned at each step: the share of the last step processed."""

    class Overwritten(layer_class):
        def add_step(self, t, *shares):
            self.grads[name] = nested.apply(lambda v: 0.0, self.grads[name])
            super().add_step(t, *shares)

    return Overwritten


class UpdateGateSwapped(GRU):
    def update_gradients(self, dh, z, n, h_prev):
        dz, dn, direct = super().update_gradients(dh, [[1.0 - v for v in row] for row in z], n, h_prev)
        return [[-v for v in row] for row in dz], dn, direct


MISTAKES = {
    "lstm": [
        ("cell-tanh-slope", ForgetsTanhSlope,
         "dc = dc_next + dh * o: the slope 1 - tanh(c_t)^2 of h_t = o * tanh(c_t) is missing from the cell's gradient"),
        ("cell-not-carried", CellNotCarried,
         "the cell's gradient does not reach the previous step: dc_{t-1} = dc * f must be passed back, as dh is"),
        ("gate-order", CS231nGateOrder,
         "the gate gradients are stacked as i, f, o, g (CS231n's order) while forward reads the blocks as i, f, g, o; "
         "stack da in the order forward splits a"),
    ],
    "gru": [
        ("update-gate-swapped", UpdateGateSwapped,
         "backward follows h_t = z * n + (1 - z) * h_{t-1}, but forward computes h_t = (1 - z) * n + z * h_{t-1}: "
         "dn = dh * (1 - z), dL/dh_{t-1} gets dh * z, and dz = dh * (h_{t-1} - n)"),
    ],
}
OVERWRITTEN = ("not-summed-over-time", "{name} is assigned at each time step instead of added to: it holds the share "
               "of the last step processed (t = 0) alone (for Wh that share is 0, as h_{{-1}} = h0 = 0 here; a "
               "gradient never computed looks the same); the weights are shared by every step, so sum the shares (+=)")


def family(params):
    """'lstm', 'gru' or None, from the names and shapes of a layer's params."""
    shape = {name: nested.shape(p) for name, p in params.items()}
    if set(shape) == {"Wx", "Wh", "b"} and len(shape["Wh"]) == 2 and shape["Wh"][1] == 4 * shape["Wh"][0]:
        return "lstm"
    if set(shape) == {"Wx", "Wh", "bx", "bh"} and len(shape["Wh"]) == 2 and shape["Wh"][1] == 3 * shape["Wh"][0]:
        return "gru"
    return None


def gradient_of(layer_class, params, x, dy, name):
    """The block name ("dx" or "d" + param) that layer_class computes with these params at x and dy."""
    d, h = len(params["Wx"]), len(params["Wh"])
    layer = layer_class(d, h)
    layer.params = nested.copy(params)
    layer.forward(nested.copy(x))
    dx = layer.backward(nested.copy(dy))
    return dx if name == "dx" else layer.grads[name[1:]]


def equals_gradient_of(block, layer_class, subject):
    params = subject.layer.params
    values = gradient_of(layer_class, {n: nested.copy(p) for n, p in params.items()}, subject.x, subject.dy, block.name)
    if nested.shape(values) != nested.shape(block.given):
        return False
    wanted = [Entry(block.name, e.index, 0.0, nested.read(values, e.index), e.tolerance) for e in block.entries]
    return all_fit(wanted, [e.analytic for e in block.entries])


def mistake(block, subject):
    layer = getattr(subject, "layer", None)
    kind = family(getattr(layer, "params", {}))
    if kind is None or len(nested.shape(getattr(subject, "x", None)) or ()) != 3 or not block.entries:
        return None
    reference_class = LSTM if kind == "lstm" else GRU
    candidates = list(MISTAKES[kind])
    if block.name[1:] in layer.params:
        candidates.append((OVERWRITTEN[0], overwritten(reference_class, block.name[1:]),
                           OVERWRITTEN[1].format(name=block.name)))
    for code, layer_class, why in candidates:
        if equals_gradient_of(block, layer_class, subject):
            return code, f"{block.name} equals the gradient of this mistake in {count(block.entries)}: {why}; " \
                         f"{reread(subject)}"
    return None


HYPOTHESES = [mistake]
