"""Who handed in what: a roster CSV mapping submissions to students.

The roster is a CSV file with a header row. Required columns: `submission`
(the file or folder name in the course folder, with or without its
extension: `alice.py`, `alice`, `bob/`) and `id` (the student's id). Optional:
`name`, and for the gradebook exports `sis_user_id`, `sis_login_id`,
`section` (Canvas) and `email` (Moodle). Column names are case-insensitive,
and the headers of Canvas's gradebook export are understood (Student, ID,
SIS User ID, SIS Login ID, Section): add a submission column to it.
Without a roster, a submission's student id is its file or folder name
without the extension.
"""
import csv
import os
from dataclasses import dataclass

REQUIRED = ("submission", "id")
OPTIONAL = ("name", "sis_user_id", "sis_login_id", "section", "email")
ALIASES = {"student": "name", "email_address": "email"}  # the names of Canvas's and Moodle's own exports


class RosterError(ValueError):
    """A roster that breaks a rule; one line."""


@dataclass
class Student:
    id: str
    name: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    submission: str = ""  # the roster's own spelling of the submission


def key(submission):
    """The name a submission is matched by: no trailing slash, no extension, case kept."""
    name = os.path.basename(submission.strip().rstrip("/\\"))
    stem, ext = os.path.splitext(name)
    return stem if ext.lower() in (".py", ".ipynb") else name


def load(path):
    """{key(submission): Student} from a roster file; RosterError naming the broken rule."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise RosterError(f"roster {path}: cannot be read ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise RosterError(f"roster {path}: must be UTF-8 text (save it as \"CSV UTF-8\")") from None
    if not rows:
        raise RosterError(f"roster {path}: is empty; it needs a header row with the columns submission and id")
    header = [ALIASES.get(h, h) for h in (h.strip().lower().replace(" ", "_") for h in rows[0])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError(f"roster {path}: needs the columns submission and id, but has no {' or '.join(missing)} "
                          f"(its header is: {', '.join(rows[0])})")
    students = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        if not values["submission"] or not values["id"]:
            raise RosterError(f"roster {path}, line {number}: needs both a submission and an id")
        name = key(values["submission"])
        if name in students:
            raise RosterError(f"roster {path}, line {number}: submission '{values['submission']}' is listed twice")
        students[name] = Student(**{c: values.get(c, "") for c in ("id", *OPTIONAL, "submission")})
    return students


def student(roster, submission):
    """The Student of a submission: the roster's, else one whose id is the submission's name."""
    found = (roster or {}).get(key(submission))
    return found or Student(id=key(submission))
