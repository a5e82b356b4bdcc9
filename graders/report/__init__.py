"""``python -m graders report GRADING_DIR --out DIR``: a static site about one graded class.

``DIR/index.html`` is for the instructor: score distributions, the tests the class
fails most, the misconceptions ranked by the number of students, who needs help,
lateness, the runs (isolation, kit and grader versions), the GPU leaderboard and,
with ``--code``, pairs of suspiciously similar submissions. ``DIR/students/<id>.html``
is one page per student that is safe to hand to that student. Everything opens from
disk: no server, no network, no script.

Students are read one at a time (their page is written, their tests are folded into
the class counts and dropped), several processes at a time for big classes.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import load, pages

DEFAULT_THRESHOLD = 50.0


@dataclass
class ClassData:
    """What the class page needs, folded student by student."""
    students: list = field(default_factory=list)           # Student without tests
    started: Counter = field(default_factory=Counter)      # exercise -> students who started it
    test_fails: Counter = field(default_factory=Counter)   # (exercise, test) -> students failing it
    misconceptions: dict = field(default_factory=dict)     # (exercise, mistake) -> info
    leaderboard: dict = field(default_factory=lambda: defaultdict(list))


def _fold(data: ClassData, summary: dict) -> None:
    student = summary["student"]
    data.students.append(student)
    for ex, info in student.exercises.items():
        if info.get("status") == "graded":
            data.started[ex] += 1
        for m in info.get("misconceptions", []):
            entry = data.misconceptions.setdefault((ex, m["mistake"]), {
                "description": m["description"], "students": [], "tests": Counter()})
            entry["students"].append(student.id)
            entry["tests"].update(m.get("tests", []))
    data.test_fails.update(summary["fails"])
    for e in student.leaderboard:
        if isinstance(e.get("value"), (int, float)):   # null: not measured (NaN, infinite)
            data.leaderboard[e.get("name", "?")].append((student.id, float(e["value"]),
                                                         e.get("order", "desc")))


def _one(args: tuple) -> dict:
    """Load one student, write their page, return what the class page needs."""
    name, path, students_dir, signatures = args
    student = load.load_student(name, Path(path), signatures)
    return _finish(student, students_dir)


def _finish(student, students_dir) -> dict:
    if students_dir is not None:
        (Path(students_dir) / pages.safe_file_name(student.id)).write_text(
            pages.student_page(student), encoding="utf-8")
    fails = [(t.exercise, t.test) for t in student.tests
             if t.outcome == "failed" and student.exercises.get(t.exercise, {}).get("status") == "graded"]
    student.tests, student.passed = [], {}
    return {"student": student, "fails": fails}


def build_report(grading_dir: Path, out: Path, *, feedback_only: bool = False,
                 threshold: float = DEFAULT_THRESHOLD, code_dir: Path | None = None,
                 similarity_threshold: float | None = None, jobs: int | None = None,
                 signatures: dict | None = None) -> dict:
    """Write the site; returns a few numbers about it (students, seconds, pages)."""
    started = time.monotonic()
    grading_dir, out = Path(grading_dir), Path(out)
    if not grading_dir.is_dir():
        raise FileNotFoundError(f"GRADING_DIR: no such folder: {grading_dir}")
    students_dir = out / "students"
    students_dir.mkdir(parents=True, exist_ok=True)
    files = load.result_files(grading_dir)
    gradebook = load.read_gradebook(grading_dir)
    jobs = jobs or (min(os.cpu_count() or 1, 8) if len(files) > 200 else 1)
    data = ClassData()
    work = [(name, str(path), str(students_dir), signatures) for name, path in files]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for summary in pool.map(_one, work, chunksize=max(1, len(work) // (jobs * 8))):
                _fold(data, summary)
    else:
        for item in work:
            _fold(data, _one(item))
    seen = set()
    for student in data.students:
        load.merge_gradebook_row(student, gradebook.get(student.id))
        seen.add(student.id)
    for student in load.missing_students(gradebook, seen):
        _fold(data, _finish(student, students_dir))
    stats = {"students": len(data.students), "pages": len(data.students)}
    if not feedback_only:
        similar = None
        if code_dir is not None:
            from .similarity import DEFAULT_THRESHOLD as SIM_DEFAULT
            from .similarity import find_similar, similarity_page

            similar = find_similar(Path(code_dir), similarity_threshold or SIM_DEFAULT)
            (out / "similarity.html").write_text(similarity_page(similar), encoding="utf-8")
            stats["similar_pairs"] = len(similar["pairs"])
        from .classpage import class_page

        (out / "index.html").write_text(
            class_page(data, out, threshold=threshold, run=load.read_run(grading_dir),
                       similar=similar, source=grading_dir), encoding="utf-8")
    stats["seconds"] = round(time.monotonic() - started, 2)
    return stats

