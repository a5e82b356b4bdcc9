"""Student ids and the class roster.

Every result carries a student id. It comes from ``ID=PATH`` on the command line,
from the name of a child of ``--by-folder ROOT`` (``alice/`` or ``alice.zip``), or
from a submission format that names the student (Canvas, nbgrader). An id is used as
a folder name, so it keeps only letters, digits and ``._@+-`` (anything else becomes
``_``; a name that is not valid UTF-8 too).

``roster.csv`` has an ``id`` column (``student`` also accepted) and optional
``name``, ``email``, ``section`` and ``submitted_at`` columns. Checked against it:
a roster student with no submission gets a ``missing`` row, a submission whose id
is not on the roster is flagged ``not_on_roster`` (still graded), and two
submissions with the same id are an error naming both paths.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .results import RosterEntry

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


class RosterError(ValueError):
    """The roster or the ids cannot be used (the message says which line or paths)."""


def clean_id(raw: str) -> str:
    """A safe student id (a folder name) from what a file name or an argument says."""
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace") \
        if isinstance(raw, str) else str(raw)
    text = _UNSAFE.sub("_", text.strip()).strip("_") or "student"
    if text.startswith("."):
        text = "_" + text[1:]
    return text[:100]


def check_unique(pairs: list[tuple[str, str]]) -> None:
    """``pairs`` of (student id, where it came from): a duplicate id names both."""
    seen: dict[str, str] = {}
    for student, source in pairs:
        if student in seen:
            raise RosterError(f"student id {student!r} is given twice: {seen[student]} and {source} "
                              "(rename one, or give ids with ID=PATH)")
        seen[student] = source


def load_roster(path: Path) -> dict[str, RosterEntry]:
    """Read roster.csv (UTF-8, a header row): id -> entry, in the roster's order."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
            fields = [f.strip().lower() for f in (rows[0].keys() if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"--roster {path}: cannot read it ({exc})") from None
    if not rows:
        raise RosterError(f"--roster {path}: no students (a header row 'id,name,email,section' "
                          "and one row per student)")
    key = "id" if "id" in fields else "student" if "student" in fields else None
    if key is None:
        raise RosterError(f"--roster {path}: no 'id' column (found {', '.join(fields)})")
    roster: dict[str, RosterEntry] = {}
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        raw = row.get(key, "")
        if not raw:
            raise RosterError(f"--roster {path}, line {number}: empty id")
        student = clean_id(raw)
        if student in roster:
            raise RosterError(f"--roster {path}, line {number}: id {student!r} is listed twice")
        roster[student] = RosterEntry(student=student, name=row.get("name", ""),
                                      email=row.get("email", ""), section=row.get("section", ""))
        if row.get("submitted_at"):
            roster[student].submitted_at = row["submitted_at"]
    return roster


def load_times(path: Path) -> dict[str, str]:
    """``--submitted-at times.csv``: columns id (or student) and submitted_at (ISO 8601)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"--submitted-at {path}: cannot read it ({exc})") from None
    times = {}
    for row in rows:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        student = row.get("id") or row.get("student")
        if student and row.get("submitted_at"):
            times[clean_id(student)] = row["submitted_at"]
    return times
