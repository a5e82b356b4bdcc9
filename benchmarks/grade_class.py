"""What grading a whole class costs, and what 1000 students would take on K machines.

    python benchmarks/grade_class.py                     # 12 submissions, 2 exercises
    python benchmarks/grade_class.py --submissions 40 --shards 4 --exercise tokenization ...

1. N mixed submissions (examples/class: a full one, a partial one, a stub, a zip, a
   malformed zip; cycled, under new ids) graded with ``--jobs 1`` and ``--jobs 2``;
2. the same class as S shards, one after the other (each shard's time is what one
   machine of an S-machine cluster would take), then ``merge``;
3. a merge of 5000 synthetic results (~300 tests each, like the full course).

Prints seconds per submission, the merge costs and the projected wall time for 1000
students on K machines (from the ``--jobs 2`` rate, 2 cores a machine). Pretrained tests
are skipped (KIT_SKIP_PRETRAINED=1). A benchmark, not a test: it exits non-zero only
when a run fails or the 5000-result merge takes 10 s or more.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLASS = REPO / "examples" / "class"
sys.path.insert(0, str(REPO))


def graders(*args: str) -> float:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "graders", *args], cwd=REPO,
                          env=dict(os.environ, KIT_SKIP_PRETRAINED="1"), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: graders {' '.join(args)}\n{proc.stderr[-3000:]}")
    return time.monotonic() - start


def make_class(root: Path, count: int) -> Path:
    samples = sorted(p for p in CLASS.iterdir() if p.name != "roster.csv")
    target = root / "class"
    target.mkdir()
    for i in range(count):
        sample = samples[i % len(samples)]
        name = f"s{i:04d}-{sample.stem}"
        if sample.is_dir():
            shutil.copytree(sample, target / name)
        else:
            shutil.copy(sample, target / f"{name}{sample.suffix}")
    return target


def _rows(folder: Path) -> list[dict]:
    """The gradebook without its ``run`` column (which says which run a row came from)."""
    with open(folder / "gradebook.csv", encoding="utf-8") as fh:
        return [{k: v for k, v in row.items() if k != "run"} for row in csv.DictReader(fh)]


def synthetic_merge(root: Path, count: int = 5000) -> tuple[float, float]:
    from graders.engine.merge import merge
    from graders.engine.results import SubmissionResult, TestResult
    from graders.report.sample import read_all, spread_results

    tests = [TestResult(name=f"tokenization: test_{i}", score=i % 2, max_score=1, status="passed",
                        output="", exercise="tokenization", test=f"test_{i}",
                        outcome="passed" if i % 2 else "failed") for i in range(300)]
    result = SubmissionResult(student="x", tests=tests, run="synthetic")
    result.refresh_exercises()
    data = result.to_json()
    folders = spread_results(data, root / "merge", count, 4)
    start = time.monotonic()
    read_all(root / "merge")
    reading = time.monotonic() - start
    start = time.monotonic()
    merge(folders, root / "merged5000")
    return time.monotonic() - start, reading


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=12)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--exercise", action="append", default=None)
    parser.add_argument("--machines", type=int, action="append", default=None,
                        help="K for the projection (repeatable; default 1, 4, 16, 64)")
    args = parser.parse_args()
    exercises = [a for e in (args.exercise or ["tokenization", "stop_words"]) for a in ("--exercise", e)]
    with tempfile.TemporaryDirectory(prefix="kit-bench-class-") as tmp:
        root = Path(tmp)
        klass = make_class(root, args.submissions)
        n = args.submissions
        t1 = graders("grade", "--by-folder", str(klass), *exercises, "--jobs", "1", "--out", str(root / "j1"))
        t2 = graders("grade", "--by-folder", str(klass), *exercises, "--jobs", "2", "--out", str(root / "j2"))
        shard_times = [graders("grade", "--by-folder", str(klass), *exercises, "--jobs", "2",
                               "--shard", f"{i}/{args.shards}", "--out", str(root / f"shard{i}"))
                       for i in range(1, args.shards + 1)]
        merge_time = graders("merge", *[str(root / f"shard{i}") for i in range(1, args.shards + 1)],
                             "--out", str(root / "merged"))
        same = _rows(root / "merged") == _rows(root / "j2")
        big, reading = synthetic_merge(root)
    print(f"{n} submissions ({', '.join(exercises[1::2])}):")
    print(f"  --jobs 1: {t1:7.1f} s  = {t1 / n:.2f} s per submission")
    print(f"  --jobs 2: {t2:7.1f} s  = {t2 / n:.2f} s per submission ({t1 / t2:.2f}x)")
    print(f"  {args.shards} shards (--jobs 2 each, run one after the other): "
          + ", ".join(f"{t:.1f}" for t in shard_times)
          + f" s; slowest {max(shard_times):.1f} s = the wall time on {args.shards} machines")
    print(f"  merge of the {args.shards} shards: {merge_time:.2f} s (a process start included); "
          f"same rows as the unsharded run: {same}")
    print(f"  merge of 5000 synthetic results (300 tests each): {big:.2f} s "
          f"(reading the JSON alone {reading:.2f} s)")
    rate = t2 / n
    print("projected wall time for 1000 students (the --jobs 2 rate, 2 cores a machine, "
          "+ one merge):")
    for k in args.machines or [1, 4, 16, 64]:
        wall = 1000 * rate / k + big / 5
        print(f"  {k:3d} machine(s): {wall / 60:7.1f} min")
    return 0 if big < 10 and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
