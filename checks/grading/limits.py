"""The limits a graded submission runs under, and how hard it is tested (specs/grading.md, "Limits")."""
from dataclasses import dataclass

from checks.baseline import EPOCHS

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Wall-clock, memory and output limits of one submission's child process; examples and epochs."""

    call: float = 2.0  # seconds of wall clock for one call (construct, forward, backward)
    load: float = 5.0  # seconds of wall clock to import the file
    total: float = 60.0  # seconds of wall clock for the whole submission
    memory: int = 1024 * MIB  # bytes of address space (RLIMIT_AS)
    fsize: int = 16 * MIB  # the largest file the submission may write in its temporary directory
    disk: int = 32 * MIB  # all it may write there (the size of its tmpfs in the sandbox)
    output: int = 64 * 1024  # bytes kept of what the submission prints, per stream; the rest is counted
    answer: int = 16 * MIB  # the longest answer line the grader reads
    examples: int = 20  # hypothesis examples per property (make check takes 40)
    epochs: int = EPOCHS  # training epochs of the baseline model, as make check trains it

    @property
    def cpu(self):
        """Seconds of CPU time (RLIMIT_CPU): a backstop behind the wall-clock limit."""
        return int(self.total) + 5


def check(limits):
    """A one-line error for a limit that breaks its rule, or None."""
    for name in ("call", "load", "total"):
        value = getattr(limits, name)
        if not value > 0:
            return f"the {name} timeout must be a positive number of seconds, got {value!r}"
    if limits.memory < 64 * MIB:
        return f"the memory limit must be at least 64 MiB, got {limits.memory // MIB} MiB"
    if limits.examples < 1:
        return f"the number of property examples must be at least 1, got {limits.examples}"
    if limits.epochs < 1:
        return f"the number of baseline epochs must be at least 1, got {limits.epochs}"
    return None
