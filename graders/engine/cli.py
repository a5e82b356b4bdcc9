"""Command line of the grading engine: ``python -m graders COMMAND``.

    grade SUBMISSION [SUBMISSION ...] [--out DIR] [--jobs N] [--exercise NAME ...]
          [--by-folder ROOT] [--roster CSV] [--shard I/N|auto] [--gpu MODE] ...
    merge DIR [DIR ...] --out OUT [--roster CSV]
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

from . import config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m graders", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade submissions, write results.json, junit.xml, summary")
    grade.add_argument("submissions", nargs="*", metavar="SUBMISSION",
                       help="a folder laid out like exercises/ (or holding exercises/), a .zip of "
                            "one, 'solutions' / 'exercises'; ID=PATH names the student")
    grade.add_argument("--out", default=".", type=Path, help="output folder (default: .)")
    grade.add_argument("--jobs", default=1, type=int, help="submissions graded in parallel")
    grade.add_argument("--exercise", action="append", default=None, metavar="NAME",
                       help="grade only this exercise (repeatable)")
    grade.add_argument("--isolation", default="auto", metavar="MODE",
                       help="where student code runs: auto (the default: the strongest available), "
                            "bwrap, namespaces, landlock, process, none; or require=MODE: the "
                            "strongest available, refusing to grade below MODE")
    grade.add_argument("--hide", action="append", default=[], metavar="PATH",
                       help="a path the sandboxed worker must not see (repeatable; e.g. a course folder)")
    grade.add_argument("--test-timeout", default=config.CALL_TIMEOUT, type=int,
                       help=f"seconds one call into the student's code may take (default {config.CALL_TIMEOUT})")
    klass = grade.add_argument_group("a whole class (README: Grading a whole class)")
    klass.add_argument("--by-folder", type=Path, metavar="ROOT",
                       help="each child of ROOT (a folder or a .zip) is one student, named by it")
    klass.add_argument("--canvas", type=Path, metavar="ZIP", help="a Canvas bulk-download zip")
    klass.add_argument("--nbgrader", type=Path, metavar="DIR",
                       help="nbgrader's submitted/ folder (<student>/<assignment>/<exercise>.ipynb)")
    klass.add_argument("--roster", type=Path, metavar="CSV",
                       help="roster.csv (id[,name,email,section,submitted_at]): missing students "
                            "get a row, unknown ids are flagged")
    klass.add_argument("--shard", metavar="I/N|auto",
                       help="grade only shard I of N (by a stable hash of the student id); auto: "
                            "from Slurm / Kubernetes / KIT_SHARD. Writes per-student results only")
    klass.add_argument("--skip-existing", action="store_true",
                       help="keep students whose results.json is already there (a requeued shard)")
    klass.add_argument("--gpu", choices=("require", "skip", "only"), default=None,
                       help="GPU tests: run them (default with a GPU), skip them as 'not graded on "
                            "this machine' (default without), or run only them")
    klass.add_argument("--deadline", metavar="ISO", help="the deadline (lateness per student)")
    klass.add_argument("--late-penalty", metavar="POLICY", help="e.g. '10%%/day,max=50%%'")
    klass.add_argument("--submitted-at", type=Path, metavar="CSV",
                       help="when each student handed in: columns id,submitted_at (ISO 8601)")
    klass.add_argument("--hidden-visibility", default="visible",
                       choices=("visible", "after_due_date", "after_published", "hidden"),
                       help="Gradescope visibility of hidden tests (public ones stay visible)")
    klass.add_argument("--run", metavar="NAME", help="a name for this run (default: time + host)")

    merge = sub.add_parser("merge", help="one gradebook from shard, GPU and regrade folders")
    merge.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    merge.add_argument("--out", required=True, type=Path)
    merge.add_argument("--roster", type=Path, metavar="CSV")
    merge.add_argument("--exercise", action="append", default=None, metavar="NAME",
                       help="gradebook columns (default: every exercise graded)")

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
    if args.command == "grade":
        from kit.confine import make_undumpable

        make_undumpable()   # its environment stays out of reach of the workers (/proc/PID/environ)
    try:
        if args.command == "grade":
            from .grade import ClassOptions, grade

            if args.jobs < 1:
                print("--jobs must be at least 1", file=sys.stderr)
                return 2
            options = ClassOptions(
                by_folder=args.by_folder, canvas=args.canvas, nbgrader=args.nbgrader,
                roster=args.roster, shard=args.shard, skip_existing=args.skip_existing,
                gpu=args.gpu, deadline=args.deadline, late_penalty=args.late_penalty,
                submitted_at=args.submitted_at, hidden_visibility=args.hidden_visibility,
                run=args.run, hide=[str(Path(p).resolve()) for p in args.hide])
            if not args.submissions and not (args.by_folder or args.canvas or args.nbgrader):
                print("grade: give SUBMISSION(s), --by-folder, --canvas or --nbgrader", file=sys.stderr)
                return 2
            outcomes = grade(args.submissions, args.out, jobs=args.jobs, exercises=args.exercise,
                             isolation=args.isolation, test_timeout=args.test_timeout,
                             options=options)
            if not options.is_class(args.submissions):
                print((args.out / "summary.txt").read_text(encoding="utf-8"), end="")
            elif (args.out / "gradebook.csv").exists() and not args.shard:
                print(f"graded {len(outcomes)} submission(s)")
                print(f"gradebook: {args.out / 'gradebook.csv'}")
                print(f"class summary: {args.out / 'summary.txt'}")
            else:
                print(f"graded {len(outcomes)} submission(s) of shard {args.shard}: "
                      f"{args.out}/<student>/results.json (merge them with python -m graders merge)")
            return 0
        if args.command == "merge":
            from .merge import merge

            report = merge(args.folders, args.out, roster_path=args.roster, exercises=args.exercise)
            print(f"merged {report['results_read']} result(s) of {report['students']} student(s) "
                  f"in {report['seconds']} s")
            print(f"gradebook: {args.out / 'gradebook.csv'}")
            print(f"class summary: {args.out / 'summary.txt'}")
            return 0
        if args.command == "selfcheck":
            from .selfcheck import selfcheck

            return selfcheck(args.exercise, with_slow=args.with_slow,
                             write_signatures=args.write_signatures, records_out=args.records)
        if args.command == "release":
            from ..build.release import release

            release(args.out_dir)
            return 0
        if args.command == "nbgrader":
            from ..build.nbgrader import build_course

            build_course(args.out_dir, exercises=args.exercise, gpu_cells=args.gpu_cells)
            return 0
        if args.command == "report":
            from ..report import build_report

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
            from ..build.gradescope import build_bundle

            build_bundle(args.zip_path, args.exercise)
            return 0
    except Exception as exc:
        from .grade import GradingError
        from .merge import MergeError
        from .roster import RosterError

        if isinstance(exc, (GradingError, MergeError, RosterError)):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise
    return 2
