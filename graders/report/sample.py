"""A synthetic graded class (results.json v2 files) for tests, demos and the benchmark.

``python -m graders.report.sample OUT [--students N] [--seed S]`` writes
``OUT/<student>/results.json``, ``OUT/gradebook.csv`` and ``OUT/run.json`` the way a
grading run would, using the real test ids and catalogued mistakes of the shipped
signatures: each student leaves some exercises as the stub, gets some fully right,
makes one catalogued mistake in others (failing exactly that mistake's tests) and
fails a few random tests elsewhere. No student code runs; no hidden value appears.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import zlib
from pathlib import Path

from graders.engine.misconceptions import annotate, load_signatures

GPU_EXERCISES = ("flash_attention", "flash_attention_backward")


def _student_results(sid: str, rng: random.Random, signatures: dict, *, run: str, profile: float) -> dict:
    tests, table, leaderboard = [], {}, []
    for exercise, entry in signatures["exercises"].items():
        names = entry["checked"]
        if not names:
            continue
        roll = rng.random()
        mistakes = list(entry["mistakes"])
        if roll < 0.08 + 0.3 * (1 - profile):
            kind, failing = "not_started", set(names)
        elif roll < 0.45 + 0.3 * (1 - profile) or not mistakes:
            kind, failing = "perfect", set()
        elif roll < 0.85:
            mistake = rng.choice(mistakes)
            kind, failing = "mistake", set(entry["mistakes"][mistake]["fails"])
        else:
            kind, failing = "random", set(rng.sample(names, max(1, len(names) // 6)))
        score = most = 0
        for name in names:
            points = 1 + zlib.crc32(name.encode()) % 2
            passed = name not in failing
            if kind == "not_started":
                output = "not implemented yet: write this function (see its docstring)"
            elif passed:
                output = ""
            else:
                output = f"{name.split('[')[0]}: the result has the wrong values (a check failed)"
            outcome = "passed" if passed else "failed"
            tests.append({"name": f"{exercise}: {name}", "score": points if passed else 0,
                          "max_score": points, "status": outcome, "output": output,
                          "tags": [exercise], "visibility": "visible",
                          "extra_data": {"exercise": exercise, "test": name,
                                         "function": name.split("[")[0], "outcome": outcome, "gpu": False}})
            score += points if passed else 0
            most += points
        table[exercise] = {"score": score, "max_score": most,
                           "status": "not_started" if kind == "not_started" else "graded"}
        if exercise in GPU_EXERCISES and kind != "not_started":
            leaderboard.append({"name": f"{exercise}: forward TFLOP/s (fp16, L=4096)",
                                "value": round(rng.uniform(5, 60) * profile + 1, 2), "order": "desc"})
    total = sum(t["score"] for t in tests)
    possible = sum(t["max_score"] for t in tests)
    late = rng.choice([0] * 8 + [1, 2, 3])
    return {
        "score": total, "max_score": possible, "execution_time": round(rng.uniform(20, 90), 1),
        "output": f"{total} / {possible} points; isolation: bwrap (synthetic)",
        "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
        "leaderboard": leaderboard,
        "extra_data": {"schema": 2, "student": sid, "submission": f"{sid}.zip",
                       "isolation": "bwrap (synthetic sample)", "isolation_mode": "bwrap",
                       "kit_version": "0.1.0", "graders_hash": signatures.get("graders_hash", ""),
                       "graded_at": f"2026-12-05T01:{rng.randrange(60):02d}:00Z", "run": run,
                       "gpu": "skip", "exercises": table, "late_days": late,
                       "penalty_percent": 10 * late, "error": None},
    }


def make_class(out: Path, students: int = 40, seed: int = 0, signatures: dict | None = None,
               exercises: list[str] | None = None, missing: int = 1) -> list[str]:
    """Write a synthetic grading folder; returns the student ids."""
    signatures = signatures or load_signatures()
    if exercises:
        signatures = {**signatures, "exercises": {e: signatures["exercises"][e] for e in exercises}}
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids, rows = [], []
    for i in range(students):
        sid = f"s{i:05d}"
        run = "run-a" if i % 3 else "run-b"
        results = _student_results(sid, rng, signatures, run=run, profile=rng.betavariate(4, 2))
        annotate(results, signatures)  # what the grading engine does after the tests ran
        (out / sid).mkdir(exist_ok=True)
        (out / sid / "results.json").write_text(json.dumps(results), encoding="utf-8")
        ids.append(sid)
        extra = results["extra_data"]
        rows.append([sid, f"Student {i}", *[extra["exercises"][e]["score"] for e in extra["exercises"]],
                     results["score"], results["max_score"], extra["late_days"], extra["penalty_percent"],
                     "skip", run, "graded", ""])
    exercise_names = list(signatures["exercises"])
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "name", *exercise_names, "total", "max_total", "late_days",
                         "penalty", "gpu", "run", "status", "error"])
        writer.writerows(rows)
        for j in range(missing):
            writer.writerow([f"absent{j}", f"Absent {j}", *[0] * len(exercise_names), 0, 0, "", "",
                             "", "", "missing", ""])
    (out / "run.json").write_text(json.dumps({"runs": ["run-a", "run-b"], "synthetic": True}),
                                  encoding="utf-8")
    return ids


def spread_results(data: dict, root: Path, count: int, shards: int) -> list[Path]:
    """``count`` copies of one results.json, as students ``student00000``... spread over
    ``shards`` shard folders ``root/s<k>/`` (for merge benchmarks and tests); the folders."""
    folders = [root / f"s{k}" for k in range(shards)]
    for i in range(count):
        data["extra_data"]["student"] = f"student{i:05d}"
        folder = folders[i % shards] / f"student{i:05d}"
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps(data))
    return folders


def read_all(root: Path) -> int:
    """Parse every results.json under ``root/*/*/`` (the cost merge cannot avoid)."""
    count = 0
    for path in root.glob("*/*/results.json"):
        json.loads(path.read_bytes())
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.report.sample", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    make_class(args.out, args.students, args.seed)
    print(f"{args.students} synthetic students in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
