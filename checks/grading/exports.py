"""The gradebook for a learning platform's CSV grade import: Canvas and Moodle, from the roster.

- canvas: the columns of Canvas's gradebook export and import, Student, ID,
  SIS User ID, SIS Login ID, Section, then one column for the assignment
  (its name, as in Canvas), and a "Points Possible" row first; Canvas matches
  students by ID, SIS User ID or SIS Login ID (the roster's id, sis_user_id,
  sis_login_id).
- moodle: ID number, Email address, Full name and the assignment's column;
  Moodle's CSV grade import maps a column to "Identify user by" (ID number
  or email address) and the assignment's column to the grade item.

A roster student without a submission gets an empty score (both imports
leave an empty cell unchanged); a submission not in the roster cannot be
exported, and export() says which.
"""
import csv
import io

from checks.grading.formats import cell
from checks.grading.roster import key

PLATFORMS = ("canvas", "moodle")


def export(platform, entries, roster, assignment):
    """(CSV text, [submissions left out: not in the roster]) for platform."""
    by_student = {key(e.name): e for e in entries}
    left_out = [e.name for e in entries if key(e.name) not in roster]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    points = max((e.report.max_score for e in entries), default=0)
    if platform == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
        writer.writerow(["    Points Possible", "", "", "", "", f"{points:g}"])
    else:
        writer.writerow(["ID number", "Email address", "Full name", assignment])
    for name, student in sorted(roster.items(), key=lambda item: (item[1].name, item[1].id)):
        entry = by_student.get(name)
        score = f"{entry.report.score:g}" if entry else ""
        if platform == "canvas":
            writer.writerow([cell(student.name), cell(student.id), cell(student.sis_user_id),
                             cell(student.sis_login_id), cell(student.section), score])
        else:
            writer.writerow([cell(student.id), cell(student.email), cell(student.name), score])
    return buffer.getvalue(), left_out
