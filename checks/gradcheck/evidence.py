"""What every hypothesis of the diagnosis measures with: when a value fits an entry, and how evidence ends.

fits(entry, value): value passes the check's own test at the entry (its data
tolerance, SLACK times, or inside a kink), or agrees with the numeric value
to RELATIVE. A hypothesis holds only when every entry it speaks of fits.
"""

SLACK = 4.0
RELATIVE = 1e-6


def fits(entry, value):
    return entry.admits(value, SLACK) or abs(value - entry.numeric) <= RELATIVE * max(abs(value), abs(entry.numeric))


def all_fit(entries, values):
    return all(fits(e, v) for e, v in zip(entries, values))


def reread(subject, section="Partial derivatives"):
    return f"reread {subject.spec}, \"{section}\""


def count(entries):
    return f"all {len(entries)} entries" if len(entries) > 1 else "its only entry"
