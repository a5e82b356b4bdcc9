"""How much isolation costs, and how well --jobs scales.

    python benchmarks/grading_speed.py                 # both measurements
    python benchmarks/grading_speed.py --submissions 20 --exercise tokenization ...

1. The same submission (the reference solutions) graded in-process
   (``--isolation none``) and in the sandbox (``--isolation auto``), each twice;
   target: isolation adds at most ~2 s per submission.
2. N copies of the solutions (every other one with a broken module, so scores
   differ) graded with ``--jobs 1`` and ``--jobs 2``; target on 2 cores: the
   ``--jobs 2`` run takes at most ~0.6x the time of ``--jobs 1``.

Pretrained tests are skipped (KIT_SKIP_PRETRAINED=1) so the figures measure the
engine, not the model's loading. Prints a table; exits non-zero if a target is
missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EXERCISES = ["tokenization", "stop_words", "lemmatization", "bag_of_words", "word_embeddings",
                     "next_word_prediction", "positional_encoding", "compute_costs"]


def run_grade(subs: list[str], out: Path, *extra: str) -> float:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", *subs, "--out", str(out), *extra],
                          cwd=REPO, env=dict(os.environ, KIT_SKIP_PRETRAINED="1"),
                          capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"grade failed:\n{proc.stderr[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--exercise", action="append", default=None)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    exercises = args.exercise or DEFAULT_EXERCISES
    ex_args = [a for e in exercises for a in ("--exercise", e)]
    tmp = Path(tempfile.mkdtemp(prefix="kit-speed-"))
    try:
        print(f"exercises: {', '.join(exercises)}; {os.cpu_count()} CPU(s)")
        times = {}
        for mode in ("none", "auto"):
            times[mode] = [run_grade(["solutions"], tmp / f"one-{mode}-{i}", "--isolation", mode, *ex_args)
                           for i in range(args.repeats)]
        isolated, inproc = statistics.median(times["auto"]), statistics.median(times["none"])
        overhead = isolated - inproc
        subs = []
        for i in range(args.submissions):
            folder = tmp / "subs" / f"student{i:02d}"
            shutil.copytree(REPO / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
            if i % 2:
                (folder / "tokenization.py").write_text("def tokenize(text):\n    return text.split()\n")
            subs.append(str(folder))
        one = run_grade(subs, tmp / "jobs1", "--jobs", "1", *ex_args)
        two = run_grade(subs, tmp / "jobs2", "--jobs", "2", *ex_args)
        ratio = two / one
        print()
        print(f"{'measurement':<52}{'seconds':>10}")
        print(f"{'one submission, in-process (median of %d)' % args.repeats:<52}{inproc:>10.1f}")
        print(f"{'one submission, sandboxed (median of %d)' % args.repeats:<52}{isolated:>10.1f}")
        print(f"{'isolation overhead per submission (target <= ~2 s)':<52}{overhead:>10.1f}")
        print(f"{'%d submissions, --jobs 1' % args.submissions:<52}{one:>10.1f}")
        print(f"{'%d submissions, --jobs 2' % args.submissions:<52}{two:>10.1f}")
        print(f"{'ratio jobs2 / jobs1 (target <= ~0.6)':<52}{ratio:>10.2f}")
        ok = overhead <= 2.5 and ratio <= 0.65
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
