"""Read a grading folder (one ``<student>/results.json`` each, ``gradebook.csv``, ``run.json``).

Tolerant of both result formats: v2 (``extra_data.schema == 2``: student id, run,
versions, per-exercise status) and v1 (what ``python -m graders grade`` wrote before:
no student id -- the folder name is used -- and no versions). Anything missing is
shown as "not recorded", never guessed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from graders.engine.misconceptions import annotate, rows_of
from graders.engine.results import cell_from_spreadsheet

try:  # a faster parser when the 'report' extra is installed; the standard one otherwise
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads


@dataclass
class TestRow:
    exercise: str
    test: str
    outcome: str          # passed / failed / not_graded / not_started
    score: float
    max_score: float
    output: str
    hint: str = ""


@dataclass
class Student:
    id: str
    name: str = ""
    status: str = "graded"          # graded / missing / error / not_on_roster
    error: str = ""
    score: float = 0.0
    max_score: float = 0.0
    exercises: dict = field(default_factory=dict)   # ex -> {score, max_score, status, misconceptions}
    tests: list = field(default_factory=list)       # TestRow of tests not passed
    passed: dict = field(default_factory=dict)      # exercise -> ids of the tests passed
    leaderboard: list = field(default_factory=list)
    late_days: float | None = None
    penalty: float | None = None
    run: str = ""
    isolation: str = ""
    isolation_mode: str = ""
    kit_version: str = ""
    graders_hash: str = ""
    graded_at: str = ""
    gpu: str = ""
    summary: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def not_started(self) -> bool:
        """Nothing handed in, or no exercise with a single line of work in it."""
        if self.status == "missing":
            return True
        return bool(self.exercises) and all(e.get("status") in ("not_started", "not_submitted")
                                            for e in self.exercises.values())


def _number(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def student_from_results(results: dict, folder_name: str, signatures: dict | None) -> Student:
    """One Student from a results.json dict (v1 or v2); adds misconceptions if absent."""
    extra = results.get("extra_data") or {}
    table = extra.get("exercises") or {}
    rows = rows_of(results)
    if not table or not all("misconceptions" in e for e in table.values()):
        table = annotate(results, signatures, rows)
    student = Student(id=str(extra.get("student") or folder_name))
    student.score = float(results.get("score") or 0)
    student.max_score = float(results.get("max_score") or 0)
    student.summary = results.get("output") or ""
    student.exercises = table
    for exercise, ident, outcome, test in rows:
        if outcome == "passed":
            student.passed.setdefault(exercise, []).append(ident)
            continue
        hint = (test.get("extra_data") or {}).get("hint") or ""
        student.tests.append(TestRow(exercise, ident, outcome, float(test.get("score") or 0),
                                     float(test.get("max_score") or 0), test.get("output") or "",
                                     str(hint)))
    student.leaderboard = list(results.get("leaderboard") or [])
    student.late_days = _number(extra.get("late_days"))
    student.penalty = _number(extra.get("penalty_percent"))
    student.run = str(extra.get("run") or "")
    student.isolation = str(extra.get("isolation") or "")
    student.isolation_mode = str(extra.get("isolation_mode") or student.isolation.split(" ")[0])
    student.kit_version = str(extra.get("kit_version") or "")
    student.graders_hash = str(extra.get("graders_hash") or "")
    student.graded_at = str(extra.get("graded_at") or "")
    student.gpu = str(extra.get("gpu") or "")
    if extra.get("error"):
        student.status, student.error = "error", str(extra["error"])
    return student


def read_gradebook(folder: Path) -> dict[str, dict]:
    """Rows of gradebook.csv by student id (v2 ``student`` column, v1 ``submission``)."""
    path = folder / "gradebook.csv"
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [{k: cell_from_spreadsheet(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(fh)]
    key = "student" if rows and "student" in rows[0] else "submission"
    return {row[key]: row for row in rows if row.get(key)}


def result_files(folder: Path) -> list[tuple[str, Path]]:
    """(folder name, results.json) of every student folder, sorted; a single-submission
    grading folder (results.json at the top) counts as one student named after it."""
    found = sorted((p.parent.name, p) for p in folder.glob("*/results.json"))
    if not found and (folder / "results.json").is_file():
        found = [(folder.resolve().name, folder / "results.json")]
    return found


def load_student(name: str, path: Path, signatures: dict | None) -> Student:
    try:
        results = _loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return Student(id=name, status="error", error=f"unreadable results.json: {exc}")
    return student_from_results(results, name, signatures)


def merge_gradebook_row(student: Student, row: dict | None) -> None:
    if not row:
        return
    student.name = row.get("name") or student.name
    if student.late_days is None:
        student.late_days = _number(row.get("late_days"))
    if student.penalty is None:
        student.penalty = _number(row.get("penalty"))
    status = row.get("status")
    if status in ("missing", "error", "not_on_roster") and student.status == "graded":
        student.status = status
    if row.get("error") and not student.error:
        student.error = row["error"]


def missing_students(gradebook: dict[str, dict], seen: set[str]) -> list[Student]:
    """Roster rows with no results.json (nothing handed in, or grading failed)."""
    out = []
    for sid, row in gradebook.items():
        if sid in seen:
            continue
        student = Student(id=sid, status=row.get("status") or "missing")
        if student.status == "graded":
            student.status = "missing"
        merge_gradebook_row(student, row)
        out.append(student)
    return out


def read_run(folder: Path) -> dict:
    path = folder / "run.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}
