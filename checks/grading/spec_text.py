"""The text of the spec sections a report tells a student to reread, for students who do not have specs/.

A failing check ends with "Reread specs/dense.md, section "Partial
derivatives"" (or "reread specs/protocol.md, "Layers", rule 2"). Where the
student has no copy of the project, as on Gradescope, with_spec_text(message)
appends the first lines of each section named (the rule itself, when one is
named), read from the specs shipped with the grader.
"""
import os
import re

from checks.grading.templates import SPECS, sections

REFERENCE = re.compile(r'specs/([a-z_]+)\.md,(?: sections?)? "([^"]+)"(?: and "([^"]+)")?(?:, rule (\d+))?')
LINES = 8  # lines of a section shown at most
CHARACTERS = 700  # characters of a section shown at most


def excerpt(name, section, rule=None):
    """The first lines of a section of specs/<name>.md (its numbered rule `rule` when given), or ""."""
    if not os.path.exists(os.path.join(SPECS, f"{name}.md")):
        return ""
    lines = sections(name).get(section, "").strip("\n").splitlines()
    if rule is not None:
        start = next((i for i, line in enumerate(lines) if line.startswith(f"{rule}. ")), None)
        if start is None:
            return ""
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("   ")), len(lines))
        lines = lines[start:end]
    lines = lines[:LINES] + (["..."] if len(lines) > LINES else [])
    text = "\n".join(lines).strip()
    return text if len(text) <= CHARACTERS else text[:CHARACTERS].rstrip() + " ..."


def with_spec_text(message):
    """message, followed by the text of every spec section it names (each once)."""
    shown, parts = set(), [message]
    for match in REFERENCE.finditer(message):
        name, first, second, rule = match.groups()
        for section in (first, second):
            key = (name, section, rule)
            if section and key not in shown:
                shown.add(key)
                text = excerpt(name, section, rule)
                if text:
                    where = f"specs/{name}.md, \"{section}\"" + (f", rule {rule}" if rule else "")
                    parts.append(f"From {where}:\n" + "\n".join("    " + line for line in text.splitlines()))
    return "\n\n".join(parts)
