"""The reviewed file checks/instruments/equivalent_mutants.txt: which surviving mutants compute the same, and why.

An entry is a block of lines: the function ("reference.tensor.matmul"), the line as written ("- ..."), the line as
mutated ("+ ..."), and one "why: ..." line; blank lines separate entries and "#" starts a comment.
"""
from dataclasses import dataclass

EXPLAINED_FILE = "checks/instruments/equivalent_mutants.txt"


@dataclass
class Explanation:
    """One entry of checks/instruments/equivalent_mutants.txt: a function, the line as written, the line as mutated, why."""

    function: str
    removed: tuple
    added: tuple
    reason: str
    line: int  # where the entry starts in the file
    used: bool = False

    def matches(self, function, removed, added):
        return (self.function, self.removed, self.added) == (function, removed, added)


class ExplanationError(ValueError):
    """checks/instruments/equivalent_mutants.txt breaks its format; the message names the line."""


def parse_explanations(text, where=EXPLAINED_FILE):
    """Entries are blocks separated by blank lines: the function, "- " original lines, "+ " mutated lines, "why: "."""
    entries, block = [], []
    for number, raw in enumerate(text.splitlines() + [""], start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if line:
            block.append((number, line))
            continue
        if block:
            entries.append(_entry(block, where))
            block = []
    return entries


def _entry(block, where):
    start, function = block[0]
    removed = tuple(line[1:].strip() for _, line in block[1:] if line.startswith("-"))
    added = tuple(line[1:].strip() for _, line in block[1:] if line.startswith("+"))
    reasons = [line[4:].strip() for _, line in block[1:] if line.startswith("why:")]
    stray = [n for n, line in block[1:] if not line.startswith(("-", "+", "why:"))]
    if stray or not reasons or not reasons[0] or not (removed or added) or " " in function:
        raise ExplanationError(f"{where}:{start}: an entry is a function name, '- ' and '+ ' lines and one "
                               f"'why: ' line (blank lines between entries)")
    return Explanation(function, removed, added, reasons[0], start)
