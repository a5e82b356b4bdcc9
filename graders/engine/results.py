"""Typed records for ``results.json`` (schema 2) and the gradebook built from them.

``results.json`` keeps Gradescope's schema (``score``, ``max_score``, ``tests[]``,
``leaderboard``, ...) and adds what a whole class needs under ``extra_data``: the
student id, the run, the kit version and a hash of the hidden graders (so results of
different graders are never mixed), the GPU mode, per-exercise scores and lateness.

One rule for points: an exercise's maximum never depends on the grading machine. A
test that could not run here (a GPU test on a CPU machine, a test another run grades)
keeps its ``max_score``, scores 0 and has ``outcome: not_graded``; a later run that
grades it (``python -m graders merge``) fills it in by test name.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kit.boundary.sanitize import clean_line, clean_text
from kit.exercises import BY_NAME, EXERCISES
from kit.loader import REPO_ROOT

SCHEMA = 2
GRADER_DIR = REPO_ROOT / "graders"
OUTCOMES = ("passed", "failed", "not_graded")
EXERCISE_STATUSES = ("graded", "not_started", "not_submitted", "error")
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
GRADEBOOK_TAIL = ["total", "max_total", "late_days", "penalty", "gpu", "run", "status", "error"]
NOT_GRADED_PREFIX = "NOT GRADED on this machine"


def kit_version() -> str:
    """The kit's version (``pyproject.toml``), recorded in every result."""
    try:
        with open(REPO_ROOT / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


_HASH: dict[str, str] = {}


def graders_hash() -> str:
    """sha256 over the hidden graders (``graders/test_*.py``, names and bytes) and the kit
    version: two results with different hashes were graded by different tests."""
    if "value" not in _HASH:
        digest = hashlib.sha256(f"kit {kit_version()}\n".encode())
        for path in sorted(GRADER_DIR.glob("test_*.py")):
            digest.update(f"{path.name}\n".encode())
            digest.update(path.read_bytes())
        _HASH["value"] = digest.hexdigest()
    return _HASH["value"]


def now_iso() -> str:
    """UTC time with microseconds: the newest result of a student wins a merge."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class TestResult:
    """One hidden test: Gradescope's fields plus where it came from."""

    __test__ = False  # not a pytest test class

    name: str
    score: float
    max_score: float
    status: str                  # Gradescope's passed / failed
    output: str
    exercise: str
    test: str
    outcome: str = "failed"      # passed / failed / not_graded
    gpu: bool = False
    visibility: str = "visible"
    function: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "score": self.score, "max_score": self.max_score,
                "status": self.status, "output": self.output, "tags": [self.exercise],
                "visibility": self.visibility,
                "extra_data": {"exercise": self.exercise, "test": self.test,
                               "function": self.function or self.test.split("[")[0],
                               "outcome": self.outcome, "gpu": self.gpu}}

    @classmethod
    def from_json(cls, data: dict) -> TestResult:
        extra = data.get("extra_data") or {}
        exercise = extra.get("exercise") or (data.get("tags") or [""])[0]
        test = extra.get("test") or data["name"].split(": ", 1)[-1]
        outcome = extra.get("outcome") or ("passed" if data.get("status") == "passed" else "failed")
        return cls(name=data["name"], score=data.get("score", 0), max_score=data.get("max_score", 0),
                   status=data.get("status", "failed"), output=data.get("output", ""),
                   exercise=exercise, test=test, outcome=outcome, gpu=bool(extra.get("gpu", False)),
                   visibility=data.get("visibility", "visible"), function=extra.get("function", ""))


@dataclass
class ExerciseResult:
    score: float = 0
    max_score: float = 0
    status: str = "graded"
    misconceptions: list = field(default_factory=list)


@dataclass
class SubmissionResult:
    """One student's results.json (schema 2)."""

    student: str
    submission: str = ""
    tests: list[TestResult] = field(default_factory=list)
    leaderboard: list = field(default_factory=list)
    execution_time: float = 0.0
    isolation: str = ""
    isolation_mode: str = ""
    kit_version: str = field(default_factory=kit_version)
    graders_hash: str = field(default_factory=graders_hash)
    graded_at: str = field(default_factory=now_iso)
    run: str = ""
    gpu: str = "skip"
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    late_days: int | None = None
    penalty_percent: float = 0
    late_policy: str = ""
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    visibility: str = "visible"
    crash: str | None = None
    totals: dict | None = field(default=None, repr=False)  # set when read with light=True

    def __post_init__(self) -> None:
        # Notes and errors quote a hand-in's file names (the student's text): one safe line
        # each, made so here, where every writer of a summary, gradebook or page reads them.
        self.notes = [clean_line(note, 500) for note in self.notes]
        if self.error is not None:
            self.error = clean_line(self.error)
        if self.crash is not None:
            self.crash = clean_text(self.crash)

    # ----------------------------------------------------------------- totals

    @property
    def raw_score(self) -> float:
        if self.totals is not None:
            return self.totals["raw_score"]
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        if self.totals is not None:
            return self.totals["max_score"]
        return sum(t.max_score for t in self.tests)

    def not_graded(self) -> dict[str, float]:
        """Points not graded on this machine: ``gpu`` / ``other`` (an extra, another run),
        and ``gpu_tests``, how many GPU tests there are."""
        if self.totals is not None:
            return {k: self.totals[k] for k in ("gpu", "other", "gpu_tests")}
        return _not_graded((t.outcome, t.gpu, t.max_score) for t in self.tests)

    @property
    def score(self) -> float:
        """The raw score less the late penalty (one place: :mod:`graders.engine.deadline`)."""
        raw = self.raw_score
        if not self.penalty_percent:
            return raw
        return round(raw * (100 - self.penalty_percent) / 100, 2)

    @property
    def not_graded_points(self) -> float:
        missing = self.not_graded()
        return missing["gpu"] + missing["other"]

    @property
    def status(self) -> str:
        return "error" if self.error else "graded"

    def refresh_exercises(self) -> None:
        """Per-exercise scores and statuses from the tests (keeps known misconceptions)."""
        groups: dict[str, list[TestResult]] = {}
        for t in self.tests:
            groups.setdefault(t.exercise, []).append(t)
        table: dict[str, ExerciseResult] = {}
        for name, tests in groups.items():
            old = self.exercises.get(name)
            table[name] = ExerciseResult(score=sum(t.score for t in tests),
                                         max_score=sum(t.max_score for t in tests),
                                         status=exercise_status(name, tests),
                                         misconceptions=old.misconceptions if old else [])
        order = {e.name: i for i, e in enumerate(EXERCISES)}
        self.exercises = dict(sorted(table.items(), key=lambda kv: order.get(kv[0], 99)))

    # ----------------------------------------------------------------- json

    def summary_line(self) -> str:
        text = f"{_num(self.score)} / {_num(self.max_score)} points"
        if self.penalty_percent:
            text += f" (raw {_num(self.raw_score)}, late penalty -{_num(self.penalty_percent)}%)"
        if self.isolation:
            text += f"; isolation: {self.isolation}"
        if self.not_graded_points:
            text += f"\n{_num(self.not_graded_points)} point(s) not graded on this machine " \
                    f"(GPU mode {self.gpu!r}); they count in the maximum"
        if self.late_days:
            text += f"\nlate by {self.late_days} day(s)" + (f"; {self.late_policy}" if self.late_policy else "")
        if self.crash:
            text += f"\n{self.crash}"
        if self.error:
            text += f"\nerror: {self.error}"
        return text

    def to_json(self) -> dict:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 2),
            "output": self.summary_line(),
            "visibility": self.visibility,
            "stdout_visibility": "hidden",
            "tests": [t.to_json() for t in self.tests],
            "leaderboard": self.leaderboard,
            "extra_data": {
                "schema": SCHEMA, "student": self.student, "submission": self.submission,
                "isolation": self.isolation, "isolation_mode": self.isolation_mode,
                "kit_version": self.kit_version, "graders_hash": self.graders_hash,
                "graded_at": self.graded_at, "run": self.run, "gpu": self.gpu,
                "exercises": {k: asdict(v) for k, v in self.exercises.items()},
                "raw_score": self.raw_score, "late_days": self.late_days,
                "penalty_percent": self.penalty_percent, "late_policy": self.late_policy,
                "error": self.error, "crash": self.crash, "notes": self.notes,
            },
        }

    @classmethod
    def from_json(cls, data: dict, *, light: bool = False) -> SubmissionResult:
        """``light``: keep only the totals of the tests (enough for a gradebook row; a merge
        reads the tests of a student only when several results must be joined)."""
        extra = data.get("extra_data") or {}
        if extra.get("schema") != SCHEMA:
            raise ValueError(f"results.json: schema {extra.get('schema')!r}, expected {SCHEMA} "
                             "(regrade with this kit)")
        totals = None
        if light:
            raw = data.get("tests", [])
            totals = _not_graded(((t.get("extra_data") or {}).get("outcome"),
                                  (t.get("extra_data") or {}).get("gpu", False), t["max_score"])
                                 for t in raw)
            totals["raw_score"] = sum(t["score"] for t in raw)
            totals["max_score"] = sum(t["max_score"] for t in raw)
        result = cls(
            student=extra["student"], submission=extra.get("submission", ""),
            tests=[] if light else [TestResult.from_json(t) for t in data.get("tests", [])],
            totals=totals,
            leaderboard=data.get("leaderboard", []), execution_time=data.get("execution_time", 0.0),
            isolation=extra.get("isolation", ""), isolation_mode=extra.get("isolation_mode", ""),
            kit_version=extra.get("kit_version", ""), graders_hash=extra.get("graders_hash", ""),
            graded_at=extra.get("graded_at", ""), run=extra.get("run", ""),
            gpu=extra.get("gpu", "skip"),
            exercises={k: ExerciseResult(**v) for k, v in (extra.get("exercises") or {}).items()},
            late_days=extra.get("late_days"), penalty_percent=extra.get("penalty_percent", 0),
            late_policy=extra.get("late_policy", ""), error=extra.get("error"),
            crash=extra.get("crash"), notes=list(extra.get("notes") or []),
            visibility=data.get("visibility", "visible"))
        return result


def _not_graded(rows) -> dict[str, float]:
    found = {"gpu": 0, "other": 0, "gpu_tests": 0}
    for outcome, gpu, points in rows:
        found["gpu_tests"] += bool(gpu)
        if outcome == "not_graded":
            found["gpu" if gpu else "other"] += points
    return found


def exercise_status(exercise: str, tests: list[TestResult]) -> str:
    """graded / not_started (every graded test says "not implemented yet") /
    not_submitted (there is no <exercise>.py) / error (nothing graded: a crash)."""
    graded = [t for t in tests if t.outcome != "not_graded"]
    if not graded:
        return "graded"
    if all(f"no {exercise}.py" in t.output for t in graded if t.outcome == "failed") \
            and not any(t.outcome == "passed" for t in graded):
        return "not_submitted"
    if all(t.outcome == "failed" and "not implemented yet" in t.output for t in graded):
        return "not_started"
    return "graded"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# --------------------------------------------------------------------------- gradebook


@dataclass
class RosterEntry:
    """What a roster says about one student (see :mod:`graders.engine.roster`)."""

    student: str
    name: str = ""
    email: str = ""
    section: str = ""
    submitted_at: str = ""


def gradebook_header(exercises: list[str]) -> list[str]:
    return ["student", "name", *exercises, *GRADEBOOK_TAIL]


def gpu_cell(result: SubmissionResult) -> str:
    """What the gradebook says about GPU tests: empty when none were selected."""
    missing = result.not_graded()
    if not missing["gpu_tests"]:
        return ""
    if missing["gpu"]:
        return f"not graded on this machine ({_num(missing['gpu'])} pt)"
    return "graded"


def gradebook_row(result: SubmissionResult | None, exercises: list[str], *, student: str,
                  name: str = "", status: str | None = None, error: str = "") -> list:
    """One gradebook row; ``result`` None means a roster student with no submission."""
    if result is None:
        return [student, name, *["" for _ in exercises], "", "", "", "", "", "",
                status or "missing", error]
    cells = []
    for e in exercises:
        row = result.exercises.get(e)
        cells.append(_num(row.score) if row else "")
    late = "" if result.late_days is None else str(result.late_days)
    penalty = f"{_num(result.penalty_percent)}%" if result.penalty_percent else ""
    return [student, name, *cells, _num(result.score), _num(result.max_score), late, penalty,
            gpu_cell(result), result.run, status or result.status,
            error or result.error or result.crash or ""]


#: How a cell that a spreadsheet would run as a formula starts ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """``value`` as a spreadsheet will show it: text that starts like a formula (a file
    name or an error message from a hand-in, say ``=HYPERLINK(...)``) gets a leading
    apostrophe, which Excel, LibreOffice and Google Sheets read as "this is text".
    Numbers, negative ones included, stay as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def cell_from_spreadsheet(value: str) -> str:
    """The text :func:`spreadsheet_cell` wrote (the apostrophe it added taken off)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def write_gradebook_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Written next to itself first, then renamed: a reader never sees half a gradebook.
    Every cell goes through :func:`spreadsheet_cell`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    os.replace(tmp, path)


def exercises_of(results: list[SubmissionResult], selected: list[str] | None = None) -> list[str]:
    """The gradebook's exercise columns: the selection, else every exercise graded."""
    if selected:
        return list(selected)
    seen = {e for r in results for e in r.exercises}
    return [e.name for e in EXERCISES if e.name in seen] + sorted(seen - set(BY_NAME))


def class_summary(results: dict[str, SubmissionResult], rows: list[list], header: list[str],
                  exercises: list[str]) -> str:
    """A readable class summary: counts, per-exercise means, the errors."""
    status_at = header.index("status")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[status_at]] = counts.get(row[status_at], 0) + 1
    graded = [r for r in results.values() if not r.error]
    lines = [f"Students: {len(rows)} ("
             + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ")"]
    if graded:
        totals = sorted(r.score for r in graded)
        maximum = max(r.max_score for r in graded)
        lines.append(f"Total: mean {sum(totals) / len(totals):.1f}, median "
                     f"{totals[len(totals) // 2]:.1f}, of {_num(maximum)}")
        lines += ["", f"{'exercise':<26}{'mean':>8}{'max':>7}{'full marks':>12}{'not started':>13}"]
        for e in exercises:
            rows_e = [r.exercises[e] for r in graded if e in r.exercises]
            if not rows_e:
                continue
            mean = sum(x.score for x in rows_e) / len(rows_e)
            full = sum(1 for x in rows_e if x.max_score and x.score == x.max_score)
            idle = sum(1 for x in rows_e if x.status in ("not_started", "not_submitted"))
            lines.append(f"{e:<26}{mean:>8.1f}{_num(rows_e[0].max_score):>7}{full:>12}{idle:>13}")
        missing = [r.not_graded() for r in graded]
        on_gpu = [m for m in missing if m["gpu"]]
        other = [m for m in missing if m["other"]]
        if on_gpu:
            lines += ["", f"{len(on_gpu)} student(s) have GPU tests not graded on this machine: "
                          "merge a --gpu only run to complete them"]
        if other:
            lines += ["", f"{len(other)} student(s) have tests not graded on this machine "
                          "(an extra is missing, or another run grades them; see results.json)"]
    errors = [(r.student, r.error) for r in results.values() if r.error]
    if errors:
        lines += ["", "Errors (no points were given; fix and regrade the student):"]
        lines += [f"- {s}: {e}" for s, e in sorted(errors)]
    return "\n".join(lines) + "\n"

