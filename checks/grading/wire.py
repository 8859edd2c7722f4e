"""The grader's side of the wire: requests as JSON lines, and a strict reading of the child's answers.

An answer is one JSON object per line: {"id", "ok": true, "value"} or {"id",
"ok": false, "error": {"type", "message", "line"?, "refused"?}}, plus
"refusals" (what the sandbox refused so far). Anything else is a
ProtocolError: the child is no longer trusted to answer. Values are checked
entry by entry: only ints and floats in nested lists; NaN, infinity, strings,
objects and bools make an InvalidValue that names the entry.

Vectors and matrices of floats cross both ways packed (child_packing.pack): the
doubles' bytes in base64 rather than decimal text. The grader unpacks an
answer's value before it reads it, and a packed list whose shape does not
match its bytes is a ProtocolError like any other broken frame.
"""
import json
import math
import re
from itertools import chain

from checks.grading.child_packing import pack, unpack

MAX_DEPTH = 8
KEYS = {"id", "ok", "value", "error", "refusals"}


class ProtocolError(Exception):
    """An answer that breaks the wire format: not JSON, another id, missing keys."""


class InvalidValue(Exception):
    """A value from the submission that is not a nested list of finite numbers; the message names the entry."""


def request(ident, op, fields):
    """One request line (bytes). The grader's own numbers may be non-finite (a diverging baseline): JSON's NaN tokens."""
    message = pack({"id": ident, "op": op, **fields})
    return (json.dumps(message, allow_nan=True, separators=(",", ":")) + "\n").encode()


ANSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?")


def safe(text, limit=300, lines=True):
    """A string from the child made safe to print and store, the one gate every such string passes: ANSI escape
    sequences removed; lone surrogates and control characters (\\r included; \\n and \\t kept when lines) escaped
    as \\uXXXX; at most limit characters, and a note of how many more there were."""
    text = str(text) if type(text) is not str else text
    total = len(text)
    text = ANSI.sub("", text[:4 * limit + 64])
    if not text.isprintable():
        keep = "\n\t" if lines else ""
        text = "".join(c if c.isprintable() or c in keep else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else
                       f"\\U{ord(c):08x}" for c in text)
    if len(text) > limit or total > 4 * limit + 64:
        text = text[:limit] + f"... ({total} characters)"
    return text


def safe_list(items, cap=20, limit=300):
    """Strings from the child as a list: each made safe (one line), duplicates dropped, at most cap of them."""
    found = []
    for item in items[:10 * cap] if isinstance(items, list) else ():
        item = safe(item, limit, lines=False)
        if item not in found:
            found.append(item)
            if len(found) == cap:
                break
    return found


def _constant(name):
    return float(name)


def reply(line, ident):
    """Parse one answer line and check its frame; -> the answer dict."""
    try:
        answer = json.loads(line, parse_constant=_constant)
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"an answer is not JSON ({str(e)[:80]})") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise ProtocolError("an answer is not an object with \"ok\"")
    unknown = sorted(set(answer) - KEYS)
    if unknown:
        raise ProtocolError(f"an answer has the unknown key {safe(unknown[0], 30, lines=False)!r}")
    if answer.get("id") != ident or isinstance(answer.get("id"), bool):
        raise ProtocolError(f"an answer carries id {safe(answer.get('id'), 20, lines=False)}, expected {ident}")
    refusals = answer.get("refusals", [])
    if not isinstance(refusals, list) or not all(isinstance(r, str) for r in refusals):
        raise ProtocolError("an answer has malformed \"refusals\"")
    if answer["ok"]:
        if "value" not in answer:
            raise ProtocolError("an answer has no \"value\"")
        try:
            answer["value"] = unpack(answer["value"])
        except ValueError as e:
            raise ProtocolError(f"an answer's value is broken: {e}") from None
        return answer
    error = answer.get("error")
    if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ("type", "message")):
        raise ProtocolError("an error answer has no \"type\" and \"message\"")
    if "line" in error and (not isinstance(error["line"], int) or isinstance(error["line"], bool)):
        raise ProtocolError("an error answer has a malformed \"line\"")
    return answer


NUMBERS = {float, int}


def fast(value, finite):
    """Whether value is a vector or matrix of exact ints and floats (finite ones if asked), checked at C speed."""
    try:
        if type(value) is not list:
            return False
        if value and type(value[0]) is list:
            if set(map(type, value)) != {list}:
                return False
            value = list(chain.from_iterable(value))
        return set(map(type, value)) <= NUMBERS and (not finite or all(map(math.isfinite, value)))
    except OverflowError:  # an int too large for a float: the slow path says where
        return False


def numbers(value, what, finite=True, depth=0):
    """value, checked to be a number or a nested list of numbers (finite unless finite=False); -> value."""
    if depth <= MAX_DEPTH - 2 and fast(value, finite):
        return value
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise InvalidValue(f"{what} is nested more than {MAX_DEPTH} lists deep")
        for i, v in enumerate(value):
            numbers(v, f"{what}[{i}]", finite, depth + 1)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(f"{what} is {_kind(value)}, not a number")
    try:
        float(value)
    except OverflowError:
        raise InvalidValue(f"{what} is an integer too large to be a float") from None
    if finite and isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(f"{what} is {value!r}, not a finite number")
    return value


def _kind(value):
    if value is None:
        return "null (None)"
    if isinstance(value, bool):
        return f"{value!r} (a bool)"
    if isinstance(value, str):
        return f"a string {safe(value, 30, lines=False)!r}"
    return f"a {type(value).__name__}"


def entries(value, what, finite=True):
    """A params or grads dict from the child: {name: nested numbers or None}, or None when the object has none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} is not an object")
    found = {}
    for name, v in value.items():
        name = safe(name, 60, lines=False)  # a key is named in messages: a lone surrogate or an escape breaks reports
        found[name] = None if v is None else numbers(v, f"{what}['{name}']", finite)
    return found


def field(value, key, kind, what):
    """value[key], checked to be of type kind (bool never counts as int)."""
    found = value.get(key) if isinstance(value, dict) else None
    if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
        raise ProtocolError(f"{what} has no valid \"{key}\"")
    return found
