"""What the checks of one grading share: the drawn variants, the implementation, and what was found so far."""
import math
from contextlib import contextmanager
from dataclasses import dataclass

from hypothesis import Phase, settings

from checks.grading import draws
from checks.grading.insulated import insulated
from checks.properties import run, suite
from checks.suite import gradient_reports

SHRINK = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
DETERMINISM = ("same_call_same_numbers",)  # the property of protocol rule 4: the same call, the same numbers
IN_PROCESS_ONLY = {  # properties that ask whether the network's params are the grader's own layer lists, or how its
    #                  params mapping answers for absent keys: the proxy's plain dicts hide both
    "a_network_inside_a_network_names_entries_index_dot_index_dot_name", "params_and_grads_act_as_dicts"}


@dataclass
class Verdict:
    """What one check found: passed or not, a message, and for partial credit the share earned."""

    passed: bool
    message: str
    fraction: float = None
    diagnosis: str = None
    reread: str = None



class Context:
    """The component's drawn variants, the implementation under test, and what the checks have found so far."""

    def __init__(self, component, implementation, examples=20, epochs=1, chosen=None, seed=0):
        self.variants = draws.variants(component, seed)
        self.component = self.variants[0].component
        self.implementation, self.examples, self.epochs, self.seed = implementation, examples, epochs, seed
        self.own = None  # GradReports of the consistency check (backward against the submission's forward)
        self.jitters = None  # whether the same call gives other numbers, once a rule check asked
        self.breaches = set()  # the codes of the protocol rules the rule checks found broken
        self.degenerate = []  # "identity", "constant output", "all-zero gradient": what the report names
        self.chosen = chosen  # the names of the properties a course step grades; None: every one
        try:
            self.suite = [p for p in suite(component.name) if p.__name__ not in IN_PROCESS_ONLY
                          and not getattr(p, "in_process_only", False)]  # a state's properties (checks/state.py)
        except (ImportError, AttributeError):
            self.suite = []

    @property
    def spec(self):
        return f"specs/{self.component.name}.md"

    @property
    def mended(self):
        """The implementation with the breaches found so far mended, for the checks after the rules."""
        return insulated(self.implementation, self.breaches)

    def run_properties(self, properties, implementation=None):
        """Outcomes of properties at both variants (half the examples each); a property holds if it holds at both."""
        implementation = implementation or self.implementation
        with examples(max(1, math.ceil(self.examples / len(self.variants)))):
            found = [[run(prop, v.checked.subject(implementation)) for prop in properties] for v in self.variants]
        return [next((o for o in outcomes if not o.passed), outcomes[0]) for outcomes in zip(*found)]

    def own_reports(self):
        """The gradient check of the submission against its own forward, with the protocol probes (computed once)."""
        if self.own is None:
            self.own = gradient_reports(self.component, self.implementation)
        return self.own

    def nondeterministic(self):
        """Whether the same call gives other numbers (the determinism rule's property fails; computed once)."""
        if self.jitters is None:
            outcomes = self.run_properties([p for p in self.suite if p.__name__ in DETERMINISM])
            self.jitters = any(not o.passed for o in outcomes)
        return self.jitters

    def findings(self, codes):
        """(code, evidence) of the first consistency report that found one of codes, or None."""
        for report in self.own or []:
            for finding in report.findings:
                if finding.code in codes:
                    return finding.code, finding.sentence
            if report.diagnosis in codes:
                return report.diagnosis, report.evidence
        return None


@contextmanager
def examples(count):
    """Run hypothesis with count examples per property, on top of the current profile, shrinking a failing input
    so that a report shows the smallest one it found."""
    previous = settings.get_current_profile_name()
    settings.register_profile("grading", parent=settings.get_profile(previous), max_examples=count, phases=SHRINK)
    settings.load_profile("grading")
    try:
        yield
    finally:
        settings.load_profile(previous)
