"""Command line of the grading engine: ``python -m graders COMMAND``.

    grade SUBMISSION [SUBMISSION ...] [--out DIR] [--jobs N] [--exercise NAME ...]
    selfcheck [--exercise NAME ...]
    release OUT_DIR
    nbgrader OUT_DIR [--exercise NAME ...] [--gpu-cells]
    gradescope OUT.zip
    report GRADING_DIR --out DIR [--feedback-only] [--threshold N] [--code DIR]

Exit status: 0 when the command did its job (whatever the scores), 2 on bad
usage, 1 when the grader itself could not do its job (the message says why).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m graders", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade submissions, write results.json, junit.xml, summary")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                       help="a folder laid out like exercises/, or 'solutions' / 'exercises'")
    grade.add_argument("--out", default=".", type=Path, help="output folder (default: .)")
    grade.add_argument("--jobs", default=1, type=int, help="submissions graded in parallel")
    grade.add_argument("--exercise", action="append", default=None, metavar="NAME",
                       help="grade only this exercise (repeatable)")
    grade.add_argument("--isolation", default="auto",
                       choices=("auto", "bwrap", "namespaces", "process", "none"),
                       help="where student code runs (default: the strongest available)")
    grade.add_argument("--test-timeout", default=60, type=int, help="seconds per test (default 60)")

    check = sub.add_parser("selfcheck", help="graders vs solutions, stubs and wrong implementations")
    check.add_argument("--exercise", action="append", default=None, metavar="NAME")
    check.add_argument("--with-slow", action="store_true",
                       help="also run slow tests against the wrong implementations")
    check.add_argument("--write-signatures", default=None, type=Path, metavar="PATH",
                       help="write each catalogued mistake's failing tests (its signature) to PATH "
                            "(graders/mutants/signatures.json is the shipped copy)")
    check.add_argument("--records", default=None, type=Path, metavar="PATH",
                       help="also save the raw per-test records as JSON")

    release = sub.add_parser("release", help="build the student copy")
    release.add_argument("out_dir", type=Path)

    nb = sub.add_parser("nbgrader", help="build the nbgrader course folder")
    nb.add_argument("out_dir", type=Path)
    nb.add_argument("--exercise", action="append", default=None, metavar="NAME",
                    help="only this exercise's notebook (repeatable; default: every exercise)")
    nb.add_argument("--gpu-cells", action="store_true",
                    help="also a graded cell per GPU-only hidden test (for a course autograded "
                         "on a CUDA machine; elsewhere they would cost every student points)")

    gs = sub.add_parser("gradescope", help="build a Gradescope autograder bundle (zip)")
    gs.add_argument("zip_path", type=Path)
    gs.add_argument("--exercise", action="append", default=None, metavar="NAME",
                    help="grade only this exercise (an assignment; repeatable)")

    rep = sub.add_parser("report", help="class report and per-student feedback pages (static HTML)")
    rep.add_argument("grading_dir", type=Path, metavar="GRADING_DIR",
                     help="a grading output folder (<student>/results.json, gradebook.csv)")
    rep.add_argument("--out", default=Path("report"), type=Path, help="site folder (default: report)")
    rep.add_argument("--feedback-only", action="store_true",
                     help="write only the per-student pages (report/students/<id>.html)")
    rep.add_argument("--threshold", default=50.0, type=float, metavar="N",
                     help="list students under N %% of the points as needing help (default 50)")
    rep.add_argument("--code", default=None, type=Path, metavar="DIR",
                     help="submissions (DIR/<student>/<exercise>.py): check similarity (extra 'integrity')")
    rep.add_argument("--similarity", default=None, type=float, metavar="F",
                     help="list pairs sharing at least this fraction of code (default 0.6)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    try:
        if args.command == "grade":
            from .grade import grade

            if args.jobs < 1:
                print("--jobs must be at least 1", file=sys.stderr)
                return 2
            outcomes = grade(args.submissions, args.out, jobs=args.jobs, exercises=args.exercise,
                             isolation=args.isolation, test_timeout=args.test_timeout)
            if len(outcomes) == 1:
                print((args.out / "summary.txt").read_text(encoding="utf-8"), end="")
            else:
                print(f"gradebook: {args.out / 'gradebook.csv'}")
            return 0
        if args.command == "selfcheck":
            from .selfcheck import selfcheck

            return selfcheck(args.exercise, with_slow=args.with_slow,
                             write_signatures=args.write_signatures, records_out=args.records)
        if args.command == "release":
            from .release import release

            release(args.out_dir)
            return 0
        if args.command == "nbgrader":
            from .nbgrader import build_course

            build_course(args.out_dir, exercises=args.exercise, gpu_cells=args.gpu_cells)
            return 0
        if args.command == "report":
            from .class_report import build_report

            if not args.grading_dir.is_dir():
                print(f"GRADING_DIR: no such folder: {args.grading_dir}", file=sys.stderr)
                return 2
            try:
                stats = build_report(args.grading_dir, args.out, feedback_only=args.feedback_only,
                                     threshold=args.threshold, code_dir=args.code,
                                     similarity_threshold=args.similarity)
            except ModuleNotFoundError as exc:
                print(f"error: {exc}: the class page needs matplotlib (pip install -e \".[report]\")",
                      file=sys.stderr)
                return 1
            where = args.out / ("students" if args.feedback_only else "index.html")
            print(f"report: {stats['students']} students in {stats['seconds']} s -> {where}")
            return 0
        if args.command == "gradescope":
            from .gradescope import build_bundle

            build_bundle(args.zip_path, args.exercise)
            return 0
    except Exception as exc:  # noqa: BLE001 - the grader could not do its job: say why
        from .grade import GradingError

        if isinstance(exc, GradingError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise
    return 2
