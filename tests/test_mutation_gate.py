"""The mutation gate (checks/instruments/mutation.py) on fabricated mutmut results and mutant diffs.

A gradient survivor fails and is named; an explained survivor passes; an
unexplained one fails with a ready-made entry; a gradient function without
mutants fails; a stale entry fails; the table counts each verdict once.
"""
import json
import textwrap

import pytest

from checks.instruments import mutation, mutation_scope
from checks.instruments.equivalent_mutants import ExplanationError, parse_explanations
from checks.instruments.mutants import MutantSources, changed_lines, parse_results, split_name
from checks.instruments.mutation import evaluate, render, table

RELU_BACKWARD = "reference.relu.xǁReLUǁbackward__mutmut_"
RELU_FORWARD = "reference.relu.xǁReLUǁforward__mutmut_"
GRADIENT = ["reference.relu.ReLU.backward", "reference.sgd.SGD.step"]

DIFFS = {
    RELU_BACKWARD + "2": """\
--- reference/relu.py
+++ reference/relu.py
@@ -1,5 +1,5 @@
 def backward(self, dy):
     return [
-        [g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)]
+        [g if v >= 0.0 else 0.0 for g, v in zip(g_row, x_row)]
         for g_row, x_row in zip(dy, self.x)
     ]""",
    RELU_FORWARD + "4": """\
--- reference/relu.py
+++ reference/relu.py
@@ -1,3 +1,3 @@
 def forward(self, x):
     self.x = x
-    return [[v if v > 0.0 else 0.0 for v in row] for row in x]
+    return [[v if v >= 0.0 else 0.0 for v in row] for row in x]""",
}

FORWARD_ENTRY = """\
reference.relu.ReLU.forward
- return [[v if v > 0.0 else 0.0 for v in row] for row in x]
+ return [[v if v >= 0.0 else 0.0 for v in row] for row in x]
why: they differ only at -0.0, where both give a zero.
"""


def results(**statuses):
    """`mutmut results --all true` text. Keys name mutants: b1 is ReLU.backward's 1, f4 ReLU.forward's 4."""
    prefixes = {"b": RELU_BACKWARD, "f": RELU_FORWARD, "s": "reference.sgd.xǁSGDǁstep__mutmut_"}
    return "\n".join(f"    {prefixes[key[0]]}{key[1:]}: {status.replace('_', ' ')}" for key, status in statuses.items())


def judge(text, explained="", gradient=GRADIENT, modules=("relu", "sgd")):
    return evaluate(parse_results(text), lambda name: DIFFS.get(name, ""), gradient, parse_explanations(explained),
                    modules)


def test_results_and_names_are_read():
    text = results(b1="killed", b2="no_tests", f4="survived") + "\n\nsome other line\n"
    assert parse_results(text) == {RELU_BACKWARD + "1": "killed", RELU_BACKWARD + "2": "no tests",
                                   RELU_FORWARD + "4": "survived"}
    assert split_name("reference.relu.xǁReLUǁ__init____mutmut_3") == ("reference.relu", "ReLU.__init__",
                                                                      "xǁReLUǁ__init__")
    assert split_name("reference.weight_decay.x__plus__mutmut_11")[:2] == ("reference.weight_decay", "_plus")
    assert split_name("reference.tensor.x_matmul__mutmut_1")[:2] == ("reference.tensor", "matmul")


def test_all_killed_passes():
    verdict = judge(results(b1="killed", b2="timeout", f4="killed", s1="killed"))
    assert verdict.passed, render(verdict)
    assert verdict.gradient["reference.relu.ReLU.backward"] == {"mutants": 2, "killed": 2}
    assert "gradient code: 3 of 3 mutants killed (100%) in 2 functions" in render(verdict)


def test_a_gradient_survivor_fails_and_is_named_with_its_diff():
    verdict = judge(results(b1="killed", b2="survived", s1="killed"))
    assert not verdict.passed
    text = render(verdict)
    assert "gradient code: 2 of 3 mutants killed (66.6%) in 2 functions" in text
    assert f"FAIL reference.relu.ReLU.backward: mutant {RELU_BACKWARD}2 survived; every mutant of gradient code " \
           "must be killed" in text
    assert "+        [g if v >= 0.0 else 0.0 for g, v in zip(g_row, x_row)]" in text
    assert text.endswith("make mutation: FAIL: 1 problem(s) above")


@pytest.mark.parametrize("status", ["no tests", "suspicious", "skipped", "not checked"])
def test_gradient_code_without_a_kill_fails(status):
    verdict = judge(results(b1="killed", s1="killed") + f"\n    {RELU_BACKWARD}2: {status}")
    assert [f.mutant for f in verdict.failures] == [RELU_BACKWARD + "2"]


def test_an_explanation_never_excuses_gradient_code():
    entry = FORWARD_ENTRY.replace("ReLU.forward", "ReLU.backward").replace(
        "- return [[v if v > 0.0 else 0.0 for v in row] for row in x]",
        "- [g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)]").replace(
        "+ return [[v if v >= 0.0 else 0.0 for v in row] for row in x]",
        "+ [g if v >= 0.0 else 0.0 for g, v in zip(g_row, x_row)]")
    verdict = judge(results(b2="survived", s1="killed"), entry)
    messages = [f.message for f in verdict.failures]
    assert any("every mutant of gradient code must be killed" in m for m in messages)
    assert any("stale entry for reference.relu.ReLU.backward" in m for m in messages)


def test_an_explained_survivor_passes_and_is_counted():
    verdict = judge(results(b1="killed", f4="survived", s1="killed"), FORWARD_ENTRY)
    assert verdict.passed, render(verdict)
    assert [(m, e.reason) for m, e in verdict.explained] == [
        (RELU_FORWARD + "4", "they differ only at -0.0, where both give a zero.")]
    assert verdict.rows["relu"]["survived"] == verdict.rows["relu"]["explained"] == 1


def test_an_unexplained_survivor_fails_with_a_ready_made_entry():
    verdict = judge(results(b1="killed", f4="survived", s1="killed"))
    text = render(verdict)
    assert f"FAIL reference.relu.ReLU.forward: mutant {RELU_FORWARD}4 survived and is not explained in " \
           "checks/instruments/equivalent_mutants.txt" in text
    assert textwrap.indent(FORWARD_ENTRY.replace("they differ only at -0.0, where both give a zero.", "..."),
                           "    ") in text + "\n"


def test_an_explanation_matches_the_mutated_line_too():
    other = FORWARD_ENTRY.replace("v >= 0.0", "v > 1.0")
    verdict = judge(results(b1="killed", f4="survived", s1="killed"), other)
    assert not verdict.passed
    assert any("stale entry" in f.message for f in verdict.failures)


def test_a_stale_entry_fails():
    verdict = judge(results(b1="killed", f4="killed", s1="killed"), "# a comment\n\n" + FORWARD_ENTRY)
    assert [f.message for f in verdict.failures] == [
        "checks/instruments/equivalent_mutants.txt:3: stale entry for reference.relu.ReLU.forward (return [[v if v > 0.0 else "
        "0.0 for v in row] for row in x]): no surviving mutant matches it any more; delete it"]


def test_a_gradient_function_without_mutants_fails():
    verdict = judge(results(b1="killed", f4="killed"), modules=("relu",))
    assert [f.message for f in verdict.failures] == [
        "reference.sgd.SGD.step: gradient code got no mutants (is it decorated, renamed, or missing from "
        "[tool.mutmut] only_mutate?)"]


def test_an_in_scope_module_without_mutants_fails():
    verdict = judge(results(b1="killed", s1="killed"), modules=("relu", "sgd", "tanh"))
    assert [f.message for f in verdict.failures] == [
        "reference/tanh.py is in scope but got no mutants; list it in [tool.mutmut] only_mutate in pyproject.toml"]


def test_a_mutant_without_a_verdict_fails_outside_gradient_code_too():
    verdict = judge(results(b1="killed", f4="suspicious", s1="killed"), FORWARD_ENTRY)
    assert any("got no verdict (suspicious)" in f.message for f in verdict.failures)


def test_the_table_counts_each_verdict_once():
    text = results(b1="killed", b2="timeout", b3="survived", f1="killed", f2="no_tests", f3="not_checked",
                   f4="survived", s1="killed", s2="caught_by_type_check")
    verdict = judge(text, FORWARD_ENTRY)
    assert verdict.rows["relu"] == {"mutants": 7, "killed": 2, "survived": 2, "timed out": 1, "no tests": 1,
                                    "other": 1, "explained": 1}
    assert verdict.rows["sgd"] == {"mutants": 2, "killed": 2, "survived": 0, "timed out": 0, "no tests": 0,
                                   "other": 0, "explained": 0}
    lines = table(verdict).splitlines()
    assert lines[0].split() == ["component", "mutants", "killed", "survived", "timed", "out", "no", "tests",
                                "other", "explained"]
    assert lines[2].split() == ["relu", "7", "2", "2", "1", "1", "1", "1"]
    assert lines[-1].split() == ["total", "9", "4", "2", "1", "1", "1", "1"]


def test_a_malformed_entry_names_its_line():
    with pytest.raises(ExplanationError, match="equivalent_mutants.txt:2: an entry is"):
        parse_explanations("\nreference.relu.ReLU.forward\n- a\n+ b\n")


MUTATED_RELU = '''\
"""Rectified linear unit."""
from mutmut.mutation.trampoline import wrap_in_trampoline as _mutmut_mutated, MutantDict
mutants_xǁReLUǁbackward__mutmut: MutantDict = {}


class ReLU:
    @_mutmut_mutated(mutants_xǁReLUǁbackward__mutmut)
    def backward(self, dy):
        return [[g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]

    def xǁReLUǁbackward__mutmut_orig(self, dy):
        return [[g if v > 0.0 else 0.0 for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]

    def xǁReLUǁbackward__mutmut_1(self, dy):
        return [[g if v >= 0.0 else 0.0 for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]


def x_helper__mutmut_orig(a):
    return a + 1


def x_helper__mutmut_1(a):
    return a - 1
'''


def test_diffs_are_read_from_the_mutated_files(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "relu.py").write_text(MUTATED_RELU, encoding="utf-8")
    sources = MutantSources(tmp_path)
    diff = sources.diff(RELU_BACKWARD + "1").splitlines()
    assert diff[:2] == ["--- reference/relu.py", "+++ reference/relu.py"]
    assert " def backward(self, dy):" in diff
    assert "+    return [[g if v >= 0.0 else 0.0 for g, v in zip(g_row, x_row)] for g_row, x_row in zip(dy, self.x)]" \
        in diff
    assert changed_lines(sources.diff("reference.relu.x_helper__mutmut_1")) == (("return a + 1",),
                                                                                        ("return a - 1",))
    assert sources.diff(RELU_BACKWARD + "9") == ""


REFERENCE_INIT = '''\
from reference.relu import ReLU
from reference.sgd import SGD
from reference.trainer.training import train
__all__ = ["ReLU", "SGD"]
'''


def test_gradient_functions_and_scope_are_found_by_parsing(tmp_path):
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "__init__.py").write_text(REFERENCE_INIT, encoding="utf-8")
    # a decorated backward: mutmut gives it no mutants, but parsing still lists it, so the gate fails on it
    (reference / "relu.py").write_text("class ReLU:\n    def forward(self, x):\n        return x\n\n"
                                       "    @staticmethod\n    def backward(dy):\n        return dy\n")
    (reference / "sgd.py").write_text("class SGD:\n    def step(self, params, grads):\n        pass\n")
    assert mutation_scope.component_modules(reference) == ["relu", "sgd"]
    assert mutation_scope.in_scope_modules(reference) == ["minibatches", "parameters", "recurrence", "relu", "sgd", "tensor"]
    assert mutation_scope.gradient_functions(reference) == ["reference.relu.ReLU.backward", "reference.sgd.SGD.step"]


def test_the_real_scope_and_gradient_code():
    reference = mutation.ROOT / "reference"
    gradient = mutation_scope.gradient_functions(reference)
    for name in ("reference.dense.Dense.backward", "reference.mse.MSE.backward", "reference.adam.Adam.step",
                 "reference.sequential.Sequential.backward", "reference.weight_decay.WeightDecay.gradient",
                 "reference.weight_decay.WeightDecay.add"):
        assert name in gradient
    scope = mutation_scope.in_scope_modules(reference)
    assert {"dense", "relu", "softmax_cross_entropy", "adam", "weight_decay", "tensor"} <= set(scope)
    assert not {"training", "config", "plots", "checkpoint", "__main__"} & set(scope)


def test_pyproject_mutates_exactly_the_scope():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((mutation.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    expected = {f"reference/{m}.py" for m in mutation_scope.in_scope_modules(mutation.ROOT / "reference")}
    assert set(config["only_mutate"]) == expected
    assert config["source_paths"] == ["reference"]


def test_main_prints_the_table_writes_json_and_exits_1_then_0(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "__init__.py").write_text("from reference.relu import ReLU\n__all__ = ['ReLU']\n")
    (tmp_path / "reference" / "relu.py").write_text("class ReLU:\n    def backward(self, dy):\n        return dy\n")
    (tmp_path / "mutants" / "reference").mkdir(parents=True)
    (tmp_path / "mutants" / "reference" / "relu.py").write_text(MUTATED_RELU, encoding="utf-8")
    saved = tmp_path / "results.txt"
    saved.write_text(f"    {RELU_BACKWARD}1: survived\n    reference.tensor.x_matmul__mutmut_1: killed\n"
                     "    reference.parameters.x_rows__mutmut_1: killed\n"
                     "    reference.minibatches.x_minibatches__mutmut_1: killed\n"
                     "    reference.recurrence.x_at_step__mutmut_1: killed\n", encoding="utf-8")
    printed = []
    args = ["--root", str(tmp_path), "--results", str(saved)]
    assert mutation.main(args, out=printed.append) == 1
    assert f"FAIL reference.relu.ReLU.backward: mutant {RELU_BACKWARD}1 survived" in printed[0]
    report = json.loads((tmp_path / "mutants" / "mutation-report.json").read_text(encoding="utf-8"))
    assert report["passed"] is False
    assert report["components"]["relu"]["survived"] == 1 and report["total"]["mutants"] == 5
    assert report["failures"][0]["mutant"] == RELU_BACKWARD + "1"
    assert "+    return [[g if v >= 0.0" in report["failures"][0]["diff"]
    saved.write_text(saved.read_text(encoding="utf-8").replace("1: survived", "1: killed"), encoding="utf-8")
    assert mutation.main(args, out=printed.append) == 0
    assert printed[-1].endswith("make mutation: PASS")
    assert json.loads((tmp_path / "mutants" / "mutation-report.json").read_text(encoding="utf-8"))["passed"]


def test_main_without_results_fails_in_one_line(tmp_path):
    empty = tmp_path / "results.txt"
    empty.write_text("", encoding="utf-8")
    printed = []
    assert mutation.main(["--root", str(tmp_path), "--results", str(empty)], out=printed.append) == 1
    assert printed == ["make mutation: FAIL: mutmut reported no mutants; run `mutmut run` first"]
