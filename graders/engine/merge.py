"""``python -m graders merge DIR... --out OUT [--roster roster.csv]``: one gradebook
from any number of grading folders (shards, a CPU and a GPU run, regrades).

Each ``DIR`` is a grading output folder (``DIR/<student>/results.json``, or a single
``DIR/results.json``). Per student the newest result wins (``graded_at``); tests a
newer run did not grade (``not_graded``: GPU tests of a ``--gpu skip`` run, exercises a
regrade left out) are filled in by test name from older runs, so a CPU run and a
``--gpu only`` run of the same class add up to full scores, and regrading one student
replaces that row only. The gradebook's ``run`` column says which run(s) each row came
from. Results from a different kit version or different hidden graders
(``graders_hash``) are refused, never mixed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kit.exercises import EXERCISES

from .results import (
    GRADEBOOK_TAIL,
    RosterEntry,
    SubmissionResult,
    class_summary,
    exercises_of,
    gradebook_header,
    gradebook_row,
    now_iso,
    write_gradebook_csv,
)


class MergeError(Exception):
    """The folders cannot be merged (the message says why)."""


def result_files(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        if not folder.is_dir():
            raise MergeError(f"{folder}: not a folder")
        if (folder / "results.json").is_file():
            files.append(folder / "results.json")
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    path = Path(entry.path) / "results.json"
                    if path.is_file():
                        files.append(path)
    return files


def load_results(folders: list[Path], *, light: bool = False) -> list[tuple[SubmissionResult, Path]]:
    return [(read_result(path, light=light), path) for path in result_files(folders)]


def read_result(path: Path, *, light: bool = False) -> SubmissionResult:
    try:
        return SubmissionResult.from_json(json.loads(path.read_bytes()), light=light)
    except (ValueError, KeyError, TypeError) as exc:
        raise MergeError(f"{path}: not a results.json this kit wrote ({exc})") from None


def check_compatible(loaded: list[tuple[SubmissionResult, Path]]) -> None:
    """One kit version and one set of hidden graders, or a message saying which differ."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for result, path in loaded:
        groups.setdefault((result.kit_version, result.graders_hash), []).append(path)
    if len(groups) > 1:
        lines = [f"  kit {version}, graders {digest[:12]}: {len(paths)} result(s), e.g. {paths[0]}"
                 for (version, digest), paths in sorted(groups.items(), key=lambda kv: -len(kv[1]))]
        raise MergeError("these results were graded by different kit versions or hidden graders "
                         "and cannot be mixed (regrade the older ones):\n" + "\n".join(lines))


def combine(results: list[SubmissionResult]) -> SubmissionResult:
    """A student's results, newest first per test; the newest error wins outright."""
    ordered = sorted(results, key=lambda r: (r.graded_at, r.run))
    newest = ordered[-1]
    if len(ordered) == 1 or newest.error:
        return newest
    usable = [r for r in ordered if not r.error]
    chosen: dict[str, tuple] = {}
    for rank, result in enumerate(usable):
        for position, test in enumerate(result.tests):
            graded = test.outcome != "not_graded"
            previous = chosen.get(test.name)
            if previous is None or graded or not previous[1]:
                first = previous[3] if previous else (rank, position)
                chosen[test.name] = (test, graded, result.run, first)
    order = {e.name: i for i, e in enumerate(EXERCISES)}
    picked = sorted(chosen.values(), key=lambda v: (order.get(v[0].exercise, 99), v[3]))
    merged = SubmissionResult.from_json(newest.to_json())
    merged.tests = [v[0] for v in picked]
    runs = []
    for value in picked:
        if value[2] not in runs:
            runs.append(value[2])
    merged.run = "+".join(sorted(runs, key=lambda run: [r.run for r in usable].index(run)))
    modes = sorted({r.gpu for r in usable if any(v[2] == r.run for v in picked)})
    merged.gpu = "+".join(modes)
    merged.leaderboard = [e for r in usable for e in r.leaderboard] if len(usable) > 1 else newest.leaderboard
    merged.refresh_exercises()
    return merged


def write_class_outputs(results: dict[str, SubmissionResult], out: Path, *,
                        roster: dict[str, RosterEntry] | None, exercises: list[str] | None,
                        names: dict[str, str] | None = None) -> list[list]:
    """``OUT/gradebook.csv`` (a row per student, sorted by id, roster students with no
    submission as ``missing``) and ``OUT/summary.txt`` (the class)."""
    columns = exercises_of(list(results.values()), exercises)
    students = set(results) | set(roster or {})
    rows = []
    for student in sorted(students):
        entry = (roster or {}).get(student)
        name = entry.name if entry else (names or {}).get(student, "")
        result = results.get(student)
        if result is None:
            rows.append(gradebook_row(None, columns, student=student, name=name, status="missing",
                                      error="no submission"))
            continue
        status = "error" if result.error else ("not_on_roster" if roster is not None and entry is None
                                               else "graded")
        rows.append(gradebook_row(result, columns, student=student, name=name, status=status))
    header = gradebook_header(columns)
    write_gradebook_csv(out / "gradebook.csv", header, rows)
    text = class_summary(results, rows, header, columns)
    tmp = out / "summary.txt.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out / "summary.txt")
    return rows


def merge(folders: list[Path], out: Path, *, roster_path: Path | None = None,
          exercises: list[str] | None = None) -> dict:
    """Merge grading folders into ``out``; returns a small report (counts, seconds)."""
    from .roster import load_roster

    started = time.perf_counter()
    loaded = load_results(folders, light=True)
    if not loaded:
        raise MergeError("no results.json found in " + ", ".join(map(str, folders)))
    check_compatible(loaded)
    by_student: dict[str, list[tuple[SubmissionResult, Path]]] = {}
    for result, path in loaded:
        by_student.setdefault(result.student, []).append((result, path))
    merged = {}
    for student, found in by_student.items():
        if len(found) == 1:
            merged[student] = found[0][0]
        else:  # several results of one student: join them test by test
            merged[student] = combine([read_result(path) for _, path in found])
    roster = load_roster(roster_path) if roster_path else None
    out.mkdir(parents=True, exist_ok=True)
    rows = write_class_outputs(merged, out, roster=roster, exercises=exercises)
    report = {"merged_at": now_iso(), "sources": [str(f) for f in folders],
              "results_read": len(loaded), "students": len(rows),
              "kit_version": loaded[0][0].kit_version, "graders_hash": loaded[0][0].graders_hash,
              "runs": sorted({r.run for r, _ in loaded}),
              "seconds": round(time.perf_counter() - started, 3)}
    (out / "merge.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


__all__ = ["merge", "combine", "write_class_outputs", "MergeError", "GRADEBOOK_TAIL"]
