"""How fast the class report builds, and what misconception matching adds to grading.

    python benchmarks/class_report.py                      # 5000 students, both measurements
    python benchmarks/class_report.py --students 500 --jobs 2

1. Writes a synthetic graded class (``graders.report.sample``: real test ids,
   catalogued mistakes, results.json v2 files) and times
   ``python -m graders report`` on it; target: 5000 students in under 60 s.
   Also prints the CPU seconds the report took (all its processes): on a shared machine
   the wall time depends on the other load, CPU seconds / cores does not.
2. Times ``graders.engine.misconceptions.annotate`` (what grading adds per submission) on 1000
   of those results.json files, parsed beforehand, and compares it with the time to
   grade one submission: ``--grade-seconds S`` when known, or measured by grading the
   reference on every exercise with ``--measure-grading``; target: under 5 %.

Prints a table; exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=None, help="report processes (default: all cores)")
    parser.add_argument("--grade-seconds", type=float, default=None,
                        help="grading time of one full submission, if already known")
    parser.add_argument("--measure-grading", action="store_true",
                        help="grade the reference solutions once to get that time")
    parser.add_argument("--keep", type=Path, default=None, help="keep the class and the site here")
    parser.add_argument("--reuse", action="store_true", help="reuse the synthetic class kept in --keep")
    args = parser.parse_args()

    from graders.engine.misconceptions import annotate, load_signatures
    from graders.report.sample import make_class

    work = Path(args.keep or tempfile.mkdtemp(prefix="kit-report-bench-"))
    grading, site = work / "grading", work / "site"
    shutil.rmtree(site, ignore_errors=True)
    start = time.monotonic()
    if not (args.reuse and len(list(grading.glob("*/results.json"))) == args.students):
        shutil.rmtree(grading, ignore_errors=True)
        make_class(grading, students=args.students, seed=0)
    size = sum(p.stat().st_size for p in grading.glob("*/results.json"))
    print(f"synthetic class: {args.students} students, {size / 1e6:.0f} MB of results.json "
          f"in {time.monotonic() - start:.1f} s")

    start = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "graders", "report", str(grading), "--out", str(site)],
                          cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    report_seconds = time.monotonic() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr)
        return 1
    pages = len(list((site / "students").glob("*.html")))
    print(f"report: {report_seconds:.1f} s wall, {cpu_seconds:.1f} CPU s on {os.cpu_count()} cores, for "
          f"{pages} student pages + the class page ({proc.stdout.strip()})")

    signatures = load_signatures()
    files = sorted(grading.glob("*/results.json"))[:1000]
    loaded = []
    for path in files:
        results = json.loads(path.read_text(encoding="utf-8"))
        for info in results["extra_data"]["exercises"].values():
            info.pop("misconceptions", None)
        loaded.append(results)
    start = time.monotonic()
    for results in loaded:
        annotate(results, signatures)
    per_submission = (time.monotonic() - start) / len(loaded)
    print(f"annotate: {1000 * per_submission:.2f} ms per submission (mean of {len(loaded)}, "
          f"{len(loaded[0]['tests'])} tests each)")

    grade_seconds = args.grade_seconds
    if args.measure_grading:
        out = work / "graded"
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "graders", "grade", "solutions", "--out", str(out)],
                       cwd=REPO, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(REPO), KIT_SKIP_PRETRAINED="1"))
        grade_seconds = time.monotonic() - start
        print(f"grading the reference on every exercise: {grade_seconds:.1f} s")

    ok = report_seconds < 60 or args.students < 5000
    print()
    print(f"{'measurement':<44}{'value':>14}{'target':>14}")
    print(f"{'report, ' + str(args.students) + ' students (s)':<44}{report_seconds:>14.1f}{'< 60':>14}")
    print(f"{'  CPU seconds / cores':<44}{cpu_seconds / (os.cpu_count() or 1):>14.1f}")
    print(f"{'  load average while it ran (1 min)':<44}{os.getloadavg()[0]:>14.1f}")
    if grade_seconds:
        share = 100 * per_submission / grade_seconds
        print(f"{'matching / grading time (%)':<44}{share:>14.3f}{'< 5':>14}")
        ok = ok and share < 5
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
