"""GradReport: what a gradient check found, as text for a student and as JSON for a grader.

The text starts with "<component>: gradient check failed." (or a one-line
pass), then the problem and protocol findings, one summary line per block
("  <block>: ..."), the worst entries of each failing block (index,
analytic, numeric, error, tolerance), the entries accepted at kinks, the
diagnosis with its evidence, one "  Also <block>: <code>. ..." line for each
other failing block that was diagnosed (an independent second mistake), a
closing "Reread <spec>, section ..." line, and the number of forward and
backward calls. to_json() returns the same as plain dicts, lists, strings,
numbers and None (non-finite numbers become None); each block carries its
own diagnosis and evidence.
"""
import math
from dataclasses import dataclass, field

from checks.gradcheck.finite_differences import band

SHOWN = 3  # entries shown per block (worst failures, kinks)
PROTOCOL = ("specs/protocol.md", "Layers")
REREAD = {  # diagnosis -> (spec, or None for the component's, and section) of the closing "Reread" line
    "unstable": (None, "Conventions"), "shape": (None, "Shapes"), "accumulates": PROTOCOL,
    "nondeterministic": PROTOCOL, "mutates-input": PROTOCOL,
}


@dataclass
class GradReport:
    """The outcome of one gradient check: one Block per gradient, protocol findings, and a diagnosis."""

    component: str
    blocks: list = field(default_factory=list)
    problem: str = ""
    calls: dict = field(default_factory=lambda: {"forward": 0, "backward": 0})
    kind: str = "layer"  # layer, loss or function
    findings: list = field(default_factory=list)  # probes.Finding: broken protocol rules
    projections: list = field(default_factory=list)  # fast mode: one Entry per random direction
    mode: str = "full"  # full, fast, or "fast, then full" after a mismatch, a kink or a finding in fast mode
    diagnosis: str = None  # a code of diagnosis.py or probes.py; None when the check passed
    evidence: str = ""

    @property
    def checked(self):
        return self.projections if self.mode == "fast" else [e for b in self.blocks for e in b.entries]

    @property
    def passed(self):
        if self.problem or self.findings:
            return False
        return all(p.passed for p in self.projections) if self.mode == "fast" else all(b.passed for b in self.blocks)

    @property
    def worst_relative_error(self):
        if self.mode == "fast":
            return max((e.relative_error for e in self.projections if not e.kink), default=0.0)
        return max((b.relative_error for b in self.blocks if not b.problem), default=0.0)

    @property
    def kinks(self):
        return [e for e in self.checked if e.kink]

    @property
    def spec(self):
        return f"specs/{self.component}.md"

    def message(self):
        """A few lines for a student: what failed, where, by how much, why, and what to reread."""
        if self.passed:
            return "\n".join([self.headline()] + kink_lines(self.kinks))
        lines = [f"{self.component}: gradient check failed."]
        if self.problem:
            lines.append(f"  {self.problem}")
        lines += [f"  protocol: {f.sentence}." for f in self.findings]
        lines += self.fast_lines()
        for block in self.blocks:
            lines.extend(describe(block))
        lines += kink_lines([e for e in self.kinks if e.passed])
        lines += self.diagnosis_lines()
        return "\n".join(lines)

    def headline(self):
        worst = f"worst relative error {self.worst_relative_error:.1e}, {band(self.worst_relative_error)}"
        if self.mode == "fast":  # a direction across a kink sends fast mode to the full check: no kinks here
            return (f"{self.component}: gradients match finite differences along {len(self.projections)} random "
                    f"directions (fast mode; {worst}).")
        return f"{self.component}: gradients match finite differences ({worst}, {len(self.kinks)} kink entries)."

    def fast_lines(self):
        if self.mode != "fast, then full" or not self.projections:
            return []
        wrong = [p for p in self.projections if not p.passed]
        if not wrong:
            return []  # fast mode fell back at a kink or a protocol finding: nothing it saw was wrong
        p = wrong[0]
        return [f"  fast mode: {len(wrong)} of {len(self.projections)} random directions disagree ({p.where()}: "
                f"analytic {p.analytic:.6g}, numeric {p.numeric:.6g}); the full check follows."]

    def diagnosis_lines(self):
        """The diagnosis (its evidence unless a protocol line above already says it), what to reread, the calls."""
        spec, section = REREAD.get(self.diagnosis, (None, "Partial derivatives"))
        reread = f"{spec or self.spec}, section \"{section}\""
        lines = []
        if self.diagnosis:
            shown = any(self.evidence == f.sentence for f in self.findings)
            evidence = self.evidence.removesuffix(f"; reread {spec or self.spec}, \"{section}\"")
            lines.append(f"  Diagnosis: {self.diagnosis}." + ("" if shown else f" {evidence}."))
        for block in self.blocks:
            if block.diagnosis and block.evidence != self.evidence:
                lines.append(f"  Also {block.name}: {block.diagnosis}. {block.evidence}.")
        lines.append(f"  Reread {reread}.")
        lines.append(f"  Calls: {self.calls['forward']} forward, {self.calls['backward']} backward.")
        return lines

    def to_json(self):
        """The report as a dict that json.dumps accepts (with allow_nan=False too)."""
        return {
            "component": self.component, "kind": self.kind, "passed": self.passed, "mode": self.mode,
            "diagnosis": self.diagnosis, "evidence": self.evidence or None, "problem": self.problem or None,
            "protocol": [{"code": f.code, "evidence": f.sentence} for f in self.findings],
            "calls": dict(self.calls),
            "worst_relative_error": number(self.worst_relative_error), "band": band(self.worst_relative_error),
            "kinks": len(self.kinks),
            "blocks": [block_json(b) for b in self.blocks],
            "projections": [entry_json(p) for p in self.projections],
        }


def describe(block):
    """Lines on one block: a structural problem, a one-line summary, and a failing block's worst entries."""
    if block.problem:
        return [f"  {block.name}: {block.problem}"]
    summary = f"relative error {block.relative_error:.1e}, {block.band}"
    kinks = f", {len(block.kinks)} at kinks" if block.kinks else ""
    if block.passed:
        return [f"  {block.name}: all {len(block.entries)} entries agree ({summary}{kinks})"]
    failures = worst(block)
    lines = [f"  {block.name}: {len(failures)} of {len(block.entries)} entries disagree with finite differences "
             f"({summary})"]
    for e in failures[:SHOWN]:
        lines.append(f"    {e.where()}: analytic {e.analytic:.6g}, numeric {e.numeric:.6g}, "
                     f"error {e.error:.2e} > tolerance {e.tolerance:.2e} (relative error {e.relative_error:.1e})")
    if len(failures) > SHOWN:
        lines.append(f"    ... and {len(failures) - SHOWN} more")
    return lines


def worst(block):
    return sorted(block.failures, key=lambda e: e.error - e.tolerance, reverse=True)


def kink_lines(kinks):
    lines = [f"  kink at {e.where()}: analytic {e.analytic:.6g} lies between the one-sided difference quotients "
             f"{e.low:.6g} and {e.high:.6g}, so it is accepted" for e in kinks[:SHOWN]]
    if len(kinks) > SHOWN:
        lines.append(f"  ... and {len(kinks) - SHOWN} more kink entries")
    return lines


def number(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def entry_json(e):
    out = {"block": e.block, "index": list(e.index), "analytic": number(e.analytic), "numeric": number(e.numeric),
           "error": number(e.error), "tolerance": number(e.tolerance), "relative_error": number(e.relative_error),
           "passed": e.passed, "kink": e.kink}
    if e.kink:
        out.update(low=number(e.low), high=number(e.high))
    return out


def block_json(b):
    return {
        "name": b.name, "shape": list(b.shape) if b.shape else None, "passed": b.passed, "problem": b.problem or None,
        "entries": len(b.entries), "failures": len(b.failures), "kinks": len(b.kinks),
        "relative_error": None if b.problem else number(b.relative_error), "band": b.band,
        "diagnosis": b.diagnosis, "evidence": b.evidence or None,
        "worst": [entry_json(e) for e in worst(b)[:SHOWN]],
        "kink_entries": [entry_json(e) for e in b.kinks],
    }
