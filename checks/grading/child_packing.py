"""The wire format of the child's requests and answers: one JSON line each, float vectors and matrices packed.

A child-side module (runner.py loads it in the child), and the grader's too
(wire.py reads answers with unpack). A float vector (N) or matrix (N, M)
crosses as its doubles' bytes in base64: exact, and far cheaper to write and
read than decimal text. The JSON encoder, the scanner and the C functions
the packing uses are bound when the module loads, before the submission
runs, so patching json, re or struct later does not reach them.
"""
import builtins
from _json import encode_basestring_ascii, make_encoder
from binascii import a2b_base64, b2a_base64
from itertools import chain as chained
from json.decoder import JSONDecoder
from re import compile as regex
from struct import pack as pack_doubles

if __package__:  # the grader imports this module as part of checks.grading
    from checks.grading.child_values import MAX_DEPTH, NUMBERS
else:  # the child: runner.py has loaded the child-side modules under their bare names
    from child_values import MAX_DEPTH, NUMBERS

__builtins__ = dict(vars(builtins))  # the functions below keep this copy: patching builtins does not reach them


def unencodable(value):
    raise TypeError(f"a {type(value).__name__} cannot be sent")


ENCODE = make_encoder(None, unencodable, encode_basestring_ascii, None, ":", ",", False, False, True)
SCAN = JSONDecoder().scan_once  # the C encoder and scanner, bound now: patching json later does not reach them


def text(value):
    """value as one line of JSON, its float vectors and matrices packed (NaN and infinity as JSON's tokens, or
    inside packed lists: the grader refuses them)."""
    return "".join(ENCODE(pack(value), 0))


def parse(line):
    """One request line -> its object, packed lists unpacked; ValueError when it is not a JSON object."""
    found, end = SCAN(line.strip(), 0)
    if type(found) is not dict:
        raise ValueError("not an object")
    return unpack(found)


PACKED = "\x00f8:"  # a packed list: PACKED + its shape "N" or "N,M" + ":" + base64 of its doubles
PACK_MIN = 16  # numbers in a list before it is packed; shorter ones stay JSON numbers
SHAPE_TEXT = 40  # characters of a packed list's shape that are read
BASE64 = regex("[A-Za-z0-9+/]*={0,2}").fullmatch  # C code, bound now: patching re later does not reach it


def pack(value, depth=0):
    """value with every vector (N) or matrix (N, M) of at least PACK_MIN exact floats replaced by its packed
    string: the doubles' own bytes in base64, exact, and far cheaper to write and read than decimal text. Both
    ends run on one machine, so the native byte order is shared. Ints, mixed rows and anything else stay JSON."""
    if type(value) is dict:
        return {k: pack(v, depth + 1) for k, v in value.items()} if depth < 2 * MAX_DEPTH else value
    if type(value) is not list or not value:
        return value
    flat = value
    if type(value[0]) is list:
        if set(map(type, value)) != {list} or len(set(map(len, value))) != 1:
            return [pack(v, depth + 1) for v in value] if depth < 2 * MAX_DEPTH else value
        flat = list(chained.from_iterable(value))
    if len(flat) < PACK_MIN or set(map(type, flat)) != {float}:
        return value if flat is value or depth >= 2 * MAX_DEPTH else [pack(v, depth + 1) for v in value]
    shape = f"{len(value)}" if flat is value else f"{len(value)},{len(value[0])}"
    return PACKED + shape + ":" + b2a_base64(pack_doubles(f"{len(flat)}d", *flat), newline=False).decode("ascii")


def unpack(value, depth=0):
    """value with every packed string turned back into its vector or matrix of floats; ValueError names what is
    malformed. The grader reads the child's answers with it: a shape must match the bytes that follow it."""
    if type(value) is str:
        return unpacked(value) if value.startswith(PACKED) else value
    if depth >= 2 * MAX_DEPTH:
        return value
    if type(value) is dict:
        return {k: unpack(v, depth + 1) for k, v in value.items()}
    if type(value) is list:
        return value if set(map(type, value)) <= NUMBERS else [unpack(v, depth + 1) for v in value]
    return value


def unpacked(text):
    """One packed string -> its list (N) or list of rows (N, M) of floats."""
    shape, _, data = text[len(PACKED):].partition(":")
    sizes = shape[:SHAPE_TEXT + 1].split(",")
    if len(shape) > SHAPE_TEXT or len(sizes) > 2 or not all(s.isascii() and s.isdigit() for s in sizes):
        raise ValueError("a packed list has a malformed shape")
    rows, columns = int(sizes[0]), int(sizes[-1]) if len(sizes) == 2 else 1
    if len(data) % 4 or not BASE64(data):
        raise ValueError("a packed list is not base64")
    data = a2b_base64(data)
    if rows < 1 or columns < 1 or len(data) != 8 * rows * columns:
        raise ValueError(f"a packed list of shape ({shape[:SHAPE_TEXT]}) holds {len(data)} bytes, not 8 per number")
    flat = memoryview(data).cast("d").tolist()
    return flat if len(sizes) == 1 else [flat[i:i + columns] for i in range(0, len(flat), columns)]
