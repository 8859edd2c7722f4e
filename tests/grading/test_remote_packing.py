"""Packed lists on the wire: float vectors and matrices cross as their doubles' bytes, exactly, and the grader
reads a packed list from the child as strictly as any other answer.

A hostile child may send a packed string anywhere in an answer: with a shape
that does not match its bytes, a shape too large to allocate, bytes that are
not base64, NaN inside, or where a number belongs. Each is a ProtocolError
(the child is gone, as crashed) or an InvalidValue that names the entry,
never a crash of the grader and never a value taken on trust.
"""
import json
import math
import struct
from base64 import b64encode

import pytest

from checks.grading import wire
from checks.grading.grade import grade
from checks.grading.limits import Limits
from checks.grading.places import places
from checks.grading.process import Child
from checks.grading.proxies import RemoteLayer
from checks.grading.remote import Remote
from checks.grading.child_packing import PACK_MIN, PACKED, pack, parse, unpack
from checks.grading.samples import write

MATRIX = [[(-1.0) ** i * (i + 0.5) / 3.0 + j * 1e-300 for j in range(5)] for i in range(7)]  # (7, 5)


def packed(shape, numbers):
    """A packed string as the child writes it, for numbers of any shape claimed."""
    data = struct.pack(f"{len(numbers)}d", *numbers)
    return PACKED + ",".join(map(str, shape)) + ":" + b64encode(data).decode("ascii")


def answer(value, ident=1):
    """One answer line carrying value, as the child would send it."""
    return json.dumps({"id": ident, "ok": True, "value": value, "refusals": []}).encode()


def test_vectors_and_matrices_of_floats_round_trip_bit_for_bit():
    """unpack(pack(v)) == v, with -0.0, the smallest subnormal and non-finite numbers kept to the bit."""
    odd = [-0.0, 5e-324, math.inf, -math.inf, 1.0 / 3.0] * 4  # (20,)
    value = {"W": MATRIX, "b": odd, "nested": [MATRIX, [MATRIX[0] * 4]]}
    sent = pack(value)
    assert type(sent["W"]) is str and sent["W"].startswith(PACKED + "7,5:")
    assert type(sent["b"]) is str and sent["nested"][0].startswith(PACKED + "7,5:")
    back = unpack(json.loads(json.dumps(sent)))
    assert back["W"] == MATRIX and back["nested"] == [MATRIX, [MATRIX[0] * 4]]
    assert [struct.pack("d", v) for v in back["b"]] == [struct.pack("d", v) for v in odd]
    nan = unpack(pack([math.nan] * PACK_MIN))
    assert len(nan) == PACK_MIN and all(math.isnan(v) for v in nan)


@pytest.mark.parametrize("value", [
    [1.5] * (PACK_MIN - 1),  # short
    [1.0] * PACK_MIN + [2],  # an int among the floats
    [[1.0] * (PACK_MIN // 2), [1.0] * (PACK_MIN // 2 - 1)],  # ragged short rows
    [[1, 2]] * PACK_MIN,  # ints
    [True] * PACK_MIN,  # bools
    [1.0] * (PACK_MIN - 1) + [[1.0]],  # a list among the numbers
    ["x"] * PACK_MIN,
], ids=["short", "int-among-floats", "ragged", "ints", "bools", "nested", "strings"])
def test_anything_but_a_long_enough_vector_or_matrix_of_floats_stays_json(value):
    """Ints stay ints, bools stay bools: packing never changes a value's types."""
    assert json.dumps(pack(value)) == json.dumps(value)


def test_a_request_packs_the_graders_numbers_and_the_child_reads_them_back():
    line = wire.request(3, "call", {"method": "forward", "args": [MATRIX], "labels": list(range(PACK_MIN))})
    assert len(line) < len(json.dumps(MATRIX))
    request = parse(line.decode())
    assert request["args"] == [MATRIX] and request["labels"] == list(range(PACK_MIN))


@pytest.mark.parametrize("value, message", [
    (packed((7, 5), [0.5] * 34), "shape (7,5) holds 272 bytes"),
    (packed((10 ** 15, 10 ** 15), [0.5] * 16), "holds 128 bytes"),
    (packed((4, 4, 1), [0.5] * 16), "malformed shape"),
    (packed((0, 16), []), "holds 0 bytes"),
    (PACKED + "-4,4:" + packed((16,), [0.5] * 16).split(":")[2], "malformed shape"),
    (PACKED + "9" * 50 + ":AAAA", "malformed shape"),
    (PACKED + "16:" + "A" * 127 + "*", "not base64"),
    (PACKED + "16:" + "\u00e9" * 128, "not base64"),
    (PACKED + "2:AAAAAAAAAAAAAAAAAAAAAA=", "not base64"),
    ({"result": [packed((3,), [1.0] * 2)]}, "holds 16 bytes"),
], ids=["too-few", "huge-shape", "three-axes", "empty", "negative", "long-shape", "bad-char", "non-ascii",
        "bad-padding", "nested"])
def test_a_malformed_packed_list_from_the_child_is_a_protocol_error(value, message):
    with pytest.raises(wire.ProtocolError) as e:
        wire.reply(answer(value), 1)
    assert "an answer's value is broken" in str(e.value) and message in str(e.value)


def test_a_packed_list_with_nan_is_refused_by_the_entry_it_names():
    result = wire.reply(answer({"result": packed((2, 8), [1.0] * 11 + [math.nan] + [1.0] * 4)}), 1)["value"]
    with pytest.raises(wire.InvalidValue, match=r"the result\[1\]\[3\] is nan, not a finite number"):
        wire.numbers(result["result"], "the result")


def test_ragged_rows_are_packed_one_by_one_and_come_back_as_they_were():
    ragged = [[0.5] * PACK_MIN, [0.25] * (PACK_MIN + 1), [1.5]]
    sent = pack(ragged)
    assert type(sent) is list and type(sent[0]) is str and sent[2] == [1.5]
    assert unpack(json.loads(json.dumps(sent))) == ragged


def test_a_packed_string_in_an_error_or_a_refusal_stays_a_string_made_safe():
    line = json.dumps({"id": 1, "ok": False, "error": {"type": "ValueError", "message": packed((16,), [1.0] * 16)},
                       "refusals": [packed((16,), [2.0] * 16)]}).encode()
    found = wire.reply(line, 1)
    assert found["error"]["message"].startswith(PACKED) and found["refusals"][0].startswith(PACKED)
    assert wire.safe(found["error"]["message"]).startswith("\\u0000f8:")


class Answers:
    """A stand-in child that answers every call with the lines given, read as the grader reads them."""

    def __init__(self, *values):
        self.values, self.library, self.limits = list(values), None, Limits()

    def request(self, op, what, timeout=None, **fields):
        return wire.reply(answer(self.values.pop(0)), 1)["value"]

    def fail(self, status, message):
        return RuntimeError(f"{status}: {message}")


def test_a_layer_proxy_reads_packed_results_grads_and_params_and_refuses_bad_ones():
    grads = {"W": packed((7, 5), [0.25] * 35), "b": [0.0] * 5}
    child = Answers({"result": packed((7, 5), sum(MATRIX, [])), "grads": grads, "params": {"W": MATRIX}},
                    {"result": packed((7, 5), [math.inf] * 35), "grads": grads},
                    {"result": packed((7, 5), [1.0] * 34), "grads": grads})
    layer = RemoteLayer(Remote(child), 1, "Dense")
    assert layer.forward([[0.0] * 5] * 7) == MATRIX
    assert layer.grads["W"] == [[0.25] * 5] * 7 and layer.params["W"] == MATRIX
    with pytest.raises(wire.InvalidValue, match=r"the result of forward\[0\]\[0\] is inf"):
        layer.forward([[0.0] * 5] * 7)
    with pytest.raises(wire.ProtocolError, match="holds 272 bytes"):
        layer.forward([[0.0] * 5] * 7)


WIDE = '''
class Wide:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        return [[float("nan") if (i, j) == (40, 3) else 0.5 for j in range(8)] for i in range(len(x))]

    def backward(self, dy):
        return [[v * 2.0 for v in row] for row in dy]
'''


def test_a_real_child_returns_large_matrices_exactly_and_its_nan_is_named(tmp_path):
    path = write(str(tmp_path), "wide.py", WIDE)
    with Child([path], Limits(), places(path)) as child:
        remote = Remote(child)
        remote.load(child.files[0])
        layer = remote.implementation("Wide", "layer")()
        dy = [[(i - j) / 7.0 for j in range(8)] for i in range(64)]  # (64, 8)
        assert layer.backward(dy) == [[v * 2.0 for v in row] for row in dy]
        with pytest.raises(wire.InvalidValue, match=r"the result of forward\[40\]\[3\] is nan"):
            layer.forward(dy)


FORGED = '''
import json, os, sys
_config = json.loads(sys.argv[1])
_packed = "\\u0000f8:1000000000,1000000000:" + "A" * 16
_forged = {"id": 1, "ok": True, "value": {"classes": [_packed], "defined": []}, "refusals": []}
os.write(_config["response_fd"], (json.dumps(_forged) + "\\n").encode())


class ReLU:
    pass
'''


def test_a_forged_packed_answer_claiming_a_huge_shape_ends_the_child_as_crashed(tmp_path):
    report = grade(write(str(tmp_path), "relu.py", FORGED), "relu")
    assert report.status == "crashed" and report.score == 0
    assert "an answer's value is broken: a packed list of shape (1000000000,1000000000) holds 12 bytes" \
        in report.message
