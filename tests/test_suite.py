"""make check: a table row per component, exit 0 only when every row passes, and a named failure otherwise."""
import subprocess
import sys

import reference
from checks import suite
from tests import planted


def run_suite(names):
    lines = []
    code = suite.main(names, out=lines.append)
    return code, "\n".join(lines)


def test_reference_relu_passes_with_its_kinks_shown():
    code, output = run_suite(["relu"])
    assert code == 0, output
    row = next(line for line in output.splitlines() if line.startswith("relu "))
    assert "kinks" in row and row.endswith("pass")
    assert "1 of 1 components pass." in output


def test_an_edited_backward_fails_and_names_the_component(monkeypatch):
    monkeypatch.setattr(reference, "Dense", planted.DenseBiasNotSummed)
    code, output = run_suite(["dense"])
    assert code == 1
    row = next(line for line in output.splitlines() if line.startswith("dense "))
    assert "FAIL" in row
    assert "dense: gradient check failed." in output
    assert "  db: " in output


def test_a_failing_property_is_listed_under_the_table(monkeypatch):
    class Accumulates(reference.Dense):
        def backward(self, dy):
            before = [list(row) for row in self.grads["W"]]
            dx = super().backward(dy)
            self.grads["W"] = [[a + b for a, b in zip(r, s)] for r, s in zip(before, self.grads["W"])]
            return dx

    monkeypatch.setattr(reference, "Dense", Accumulates)
    code, output = run_suite(["dense"])
    assert code == 1
    assert "- property 'backward_overwrites_grads'" in output


def test_an_unknown_component_is_a_one_line_usage_error():
    code, output = run_suite(["convolution"])
    assert code == 2
    assert output.startswith("checks: unknown component 'convolution'; components are: neuron, dense, ")
    assert "\n" not in output


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "checks", *args], capture_output=True, text=True, timeout=120)


def test_a_bad_command_line_gets_one_line_and_exit_2():
    result = run_cli("chekc")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid choice: 'chekc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_checks_a_named_component():
    result = run_cli("check", "identity")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].split()[:2] == ["component", "spec"]
    assert "identity" in result.stdout
