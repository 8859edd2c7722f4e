"""The grader's parts on their own: the rubric, the wire format, the audit hook's rules, the report formats."""
import json
import os
import xml.etree.ElementTree as ET

import pytest

from checks.grading import formats, wire
from checks.grading.report import CheckResult, Report
from checks.grading.rubric import DEFAULT, RubricError, merge, points
from checks.grading.runner import GUARD, SANDBOX_PREFIX


def test_a_rubric_overrides_the_defaults_it_names():
    assert merge({"gradient": 10, "baseline": 0}) == {**DEFAULT, "gradient": 10, "baseline": 0}
    assert sum(DEFAULT.values()) == 15 and DEFAULT["convention"] == 0


@pytest.mark.parametrize("data, message", [
    ({"gradients": 1}, "rubric: unknown check 'gradients'; checks are: forward, value, gradient,"),
    ({"gradient": -1}, "rubric: points for 'gradient' must be a number >= 0, got -1"),
    ({"gradient": "4"}, "rubric: points for 'gradient' must be a number >= 0, got \"4\""),
    ({"gradient": True}, "rubric: points for 'gradient' must be a number >= 0, got true"),
    ([1], "rubric: must be a JSON object mapping check names to points"),
    ({n: 0 for n in DEFAULT}, "rubric: every check has 0 points"),
])
def test_a_rubric_that_breaks_a_rule_is_one_line_naming_it(data, message):
    with pytest.raises(RubricError) as e:
        merge(data)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_points_are_all_or_nothing_or_a_share():
    assert points(2, True) == 2 and points(2, False) == 0 and points(2, False, 5 / 7) == 1.43


@pytest.mark.parametrize("value, message", [
    ([[1.0, float("nan")]], "y[0][1] is nan, not a finite number"),
    ([[1.0], [float("-inf")]], "y[1][0] is -inf, not a finite number"),
    ([[1.0, "2"]], "y[0][1] is a string '2', not a number"),
    ([[True]], "y[0][0] is True (a bool), not a number"),
    ([None], "y[0] is null (None), not a number"),
    ([[{"a": 1}]], "y[0][0] is a dict, not a number"),
    ([10 ** 400], "y[0] is an integer too large to be a float"),
    ([[[[[[[[[1.0]]]]]]]]], "nested more than 8 lists deep"),
])
def test_only_nested_lists_of_finite_numbers_cross_the_wire(value, message):
    with pytest.raises(wire.InvalidValue) as e:
        wire.numbers(value, "y")
    assert message in str(e.value)


def test_good_values_pass_untouched():
    value = [[1.0, -0.0, 3], [2.5, 1e300, -7]]
    assert wire.numbers(value, "y") is value
    assert wire.numbers([float("inf")], "params", finite=False) == [float("inf")]


@pytest.mark.parametrize("line, message", [
    (b"PASSED 15/15", "an answer is not JSON"),
    (b'{"id": 2, "ok": true, "value": 1}', "an answer carries id 2, expected 1"),
    (b'{"id": 1, "ok": true, "value": 1, "score": 15}', "an answer has the unknown key 'score'"),
    (b'{"id": 1, "ok": "yes", "value": 1}', 'an answer is not an object with "ok"'),
    (b'{"id": 1, "ok": true}', 'an answer has no "value"'),
    (b'{"id": 1, "ok": false, "error": {"message": "x"}}', 'an error answer has no "type" and "message"'),
    (b'{"id": 1, "ok": true, "value": 1, "refusals": [1]}', 'malformed "refusals"'),
    (b"[" * 100000, "an answer is not JSON"),
])
def test_an_answer_outside_the_wire_format_is_a_protocol_error(line, message):
    with pytest.raises(wire.ProtocolError) as e:
        wire.reply(line, 1)
    assert message in str(e.value)


def test_strings_from_the_child_are_made_safe():
    assert wire.safe("a\x1b[31mred\ud800\r\n" + "x" * 500, 20) == "ared\\ud800\\u000d\nxxx... (512 characters)"
    assert wire.safe("a\nb\x1b]0;title\x07", lines=False) == "a\\u000ab"
    assert wire.safe_list(["b", "a\x1b[1m", "b", "a"] * 100, cap=3) == ["b", "a"]


@pytest.fixture
def hook(tmp_path):
    """The audit hook of a child whose sandbox is tmp_path/nn-grade-me, with a forbidden and a private folder."""
    namespace = {"__name__": "guard"}
    with open(GUARD, encoding="utf-8") as f:
        exec(compile(f.read(), GUARD, "exec"), namespace)
    sandbox = tmp_path / f"{SANDBOX_PREFIX}me"
    for folder in ("forbidden/reference", "private", f"{SANDBOX_PREFIX}other", sandbox.name):
        os.makedirs(tmp_path / folder)
    os.symlink(tmp_path / "forbidden", sandbox / "shortcut")
    config = {"tmp": str(sandbox), "forbidden": [str(tmp_path / "forbidden")], "private": [str(tmp_path)],
              "allowed": [str(tmp_path / "private" / "python")]}
    refusals = []
    check = namespace["make_hook"](config, refusals, SANDBOX_PREFIX)

    def refused(event, *args):
        try:
            check(event, args)
        except (PermissionError, ImportError) as e:
            assert str(e).startswith("refused by the grader: ") and refusals[-1] in str(e)
            return True
        return False

    return refused, sandbox, tmp_path


def test_without_the_sandbox_the_hook_also_refuses_modules_that_start_processes_by_any_part_of_their_name(tmp_path):
    namespace = {"__name__": "guard"}
    with open(GUARD, encoding="utf-8") as f:
        exec(compile(f.read(), GUARD, "exec"), namespace)
    config = {"tmp": str(tmp_path / f"{SANDBOX_PREFIX}me"), "forbidden": [], "private": [], "allowed": [],
              "reduced": True}
    check = namespace["make_hook"](config, [], SANDBOX_PREFIX)
    for name, refused in (("_ctypes", "_ctypes"), ("x._posixsubprocess", "_posixsubprocess"), ("ctypes.util", "ctypes")):
        with pytest.raises(ImportError, match=f"may not import {refused}$"):
            check("import", (name,))
    with pytest.raises(PermissionError, match="may not call ctypes.dlopen"):
        check("ctypes.dlopen", ("libc.so.6",))
    check("import", ("asyncio",))


def test_the_hook_refuses_what_graded_code_may_not_do(hook):
    refused, sandbox, root = hook
    assert refused("import", "reference.relu") and refused("import", "checks")
    assert not refused("import", "math") and not refused("import", "_ctypes") and not refused("import", "asyncio")
    for event in ("os.fork", "os.system", "os.kill", "subprocess.Popen", "socket.connect", "resource.setrlimit",
                  "gc.get_objects", "sys.settrace", "os.exec", "os.posix_spawn"):
        assert refused(event, "x"), event
    assert refused("open", str(sandbox / "shortcut" / "reference" / "relu.py"), "r", 0)  # a link to a forbidden folder
    assert refused("open", str(root / "forbidden" / "reference" / "relu.py"), "r", 0)
    assert refused("open", str(root / "private" / "answers.py"), "r", 0)
    assert refused("open", str(root / f"{SANDBOX_PREFIX}other" / "relu.py"), "r", 0)
    assert refused("open", f"/proc/{os.getppid()}/cmdline", "r", 0)
    assert refused("open", str(root / "results.json"), "w", 0)
    assert refused("open", str(sandbox / ".." / "results.json"), None, os.O_WRONLY | os.O_CREAT)
    assert refused("os.remove", str(root / "private" / "x")) and refused("os.listdir", str(root / "forbidden"))
    assert refused("open", __import__("pathlib").Path(sandbox / "x"), "r", 0)  # path-like: could change its mind


def test_the_hook_lets_graded_code_use_its_sandbox_and_python(hook):
    refused, sandbox, root = hook
    assert not refused("open", str(sandbox / "notes.txt"), "w", 0)
    assert not refused("open", str(sandbox / "submission" / "relu.py"), "rb", 0)
    assert not refused("open", str(root / "private" / "python" / "lib" / "json" / "__init__.py"), "rb", 0)
    assert not refused("open", "/proc/self/status", "r", 0)
    assert not refused("open", 1, "w", 0)


def report():
    checks = [CheckResult("forward", "passed", 2, 2, "forward agrees"),
              CheckResult("gradient", "failed", 0, 4, "dense: gradient check failed.\n  db: wrong \x07\x1b", "scale"),
              CheckResult("baseline", "not-run", 0, 2, "not run: the submission timed out")]
    return Report("bob.py", "dense", "timeout", "forward did not finish", checks, "printed <&> \x00", [], 3.21)


def test_every_format_reads_back():
    r = report()
    data = json.loads(formats.render(r, "json"))
    assert data["score"] == 2 and data["max_score"] == 8 and data["output"].startswith("printed")
    gradescope = json.loads(formats.render(r, "gradescope"))
    assert [t["status"] for t in gradescope["tests"]] == ["passed", "failed", "failed"]
    assert gradescope["execution_time"] == 3.21 and gradescope["output"].startswith("timeout: forward did not")
    suite = ET.fromstring(formats.render(r, "junit")).find("testsuite")
    assert (suite.get("failures"), suite.get("errors"), suite.get("tests")) == ("1", "1", "3")
    text = formats.render(r, "text")
    assert text.startswith("bob.py: dense, 2 / 8 points (timeout)\n") and "FAIL  gradient  0/4" in text
    assert "----  baseline  0/2" in text


def test_reports_are_written_atomically(tmp_path):
    path = tmp_path / "deep" / "report.json"
    formats.write(str(path), "{}\n")
    formats.write(str(path), '{"score": 1}\n')
    assert path.read_text() == '{"score": 1}\n' and os.listdir(path.parent) == ["report.json"]
