"""``python -m graders grade``: grade one or many submissions, write the reports.

For each submission a pytest process runs the hidden graders (``graders/test_*.py``)
with the report plugin; this process -- which never runs student code -- reads
the per-test records and writes, only here:

* ``results.json`` in Gradescope's schema (``tests[]`` with ``name``, ``score``,
  ``max_score``, ``status``, ``output``, ``tags``, ``visibility``; ``leaderboard``),
* ``junit.xml`` built from the same safe records,
* ``summary.txt``, a readable table and the failures.

Several submissions (a class): ``DIR/<student>/...`` each, graded ``--jobs`` at a time,
and ``DIR/gradebook.csv`` (a row per student, a column per exercise, a total) written
through :mod:`graders.engine.merge`. Ids, formats, shards, the GPU rule and lateness live in
:mod:`graders.engine.roster`, :mod:`graders.engine.intake`, :mod:`graders.engine.shard`,
:mod:`graders.engine.gpu_policy` and :mod:`graders.engine.deadline`; records in :mod:`graders.engine.results`.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kit.boundary.sanitize import clean_line, clean_text, finite_or_none
from kit.exercises import BY_NAME, EXERCISES
from kit.loader import BUILTIN_IMPLS, REPO_ROOT

from . import config, intake
from . import roster as roster_mod
from .cgroups import WorkerCgroup
from .deadline import LatePolicy, apply_lateness, parse_time
from .misconceptions import annotate
from .results import NOT_GRADED_PREFIX, VISIBILITIES, SubmissionResult, TestResult, graders_hash, kit_version, now_iso
from .shard import parse_shard
from .submission import CopiedSubmission, SubmissionError, private_copy, source_folder

GRADER_DIR = REPO_ROOT / "graders"
DEFAULT_TEST_TIMEOUT = config.CALL_TIMEOUT


class GradingError(Exception):
    """The grader itself could not do its job (not a student's failure)."""


@dataclass
class Outcome:
    label: str
    name: str
    out_dir: Path
    results: dict = field(default_factory=dict)
    per_exercise: dict = field(default_factory=dict)
    error: str | None = None


def grader_files(exercises: list[str] | None) -> list[Path]:
    names = exercises or [e.name for e in EXERCISES]
    files = [GRADER_DIR / f"test_{n}.py" for n in names if (GRADER_DIR / f"test_{n}.py").is_file()]
    if not files:
        raise GradingError(f"no grader files for {names}")
    return files


def pytest_command(raw: Path, files: list[Path], *, isolation: str, test_timeout: int,
                   hide: list[str] = (), require: str | None = None,
                   extra: list[str] | None = None) -> list[str]:
    """The trusted pytest run over the hidden graders. It names no student path: the
    implementation under test reaches it as ``KIT_IMPL`` in the environment."""
    command = [
        sys.executable, "-m", "pytest",
        "-p", "graders.engine.records", "-p", "graders.engine.isolation",
        f"--kit-raw={raw}", f"--kit-isolation={isolation}",
        f"--kit-call-timeout={test_timeout}", *[f"--kit-hide={p}" for p in hide],
        *([f"--kit-require={require}"] if require else []),
        "-q", "--tb=no", "-rN", "--no-points", "--assert=plain", "-p", "no:cacheprovider",
        # pytest-timeout is the backstop; the worker's own per-call limit fires first
        "-o", "addopts=--strict-markers", "-o", f"timeout={test_timeout + 30}",
        "--rootdir", str(REPO_ROOT), "-c", str(REPO_ROOT / "pyproject.toml"),
        *[str(f) for f in files],
    ]
    return command + list(extra or [])


def read_raw(raw: Path) -> tuple[list[dict], dict[str, dict], list[dict], bool]:
    collected: list[dict] = []
    tests: dict[str, dict] = {}
    errors: list[dict] = []
    finished = False
    if raw.exists():
        for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            kind = record.get("kind")
            if kind == "collected":
                collected = record["items"]
            elif kind == "test":
                tests[record["nodeid"]] = record
            elif kind == "collect_error":
                errors.append(record)
            elif kind == "finished":
                finished = True
    return collected, tests, errors, finished


def run_one(submission: str, out_dir: Path, *, exercises: list[str] | None, isolation: str,
            test_timeout: int, name: str | None = None, log=None, require: str | None = None,
            context: GradeContext | None = None) -> Outcome:
    """Grade one submission; always writes the reports unless the grader itself broke.

    The submission is first copied (plain ``<exercise>.py`` files only) into a private
    folder; only that copy is graded, by a pytest process that gets its path from the
    environment and runs in its own cgroup where cgroups are available.
    """
    if submission.startswith("mutant:"):
        # A catalogued mistake (instructor code, for selfcheck and the misconception tests):
        # the reference with one module replaced, run in-process only.
        if isolation != "none":
            raise GradingError(f"{submission}: catalogued mistakes are graded in-process only "
                               "(--isolation none)")
        with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
            return _grade(submission, submission, None, Path(tmp), out_dir, exercises=exercises,
                          isolation=isolation, test_timeout=test_timeout, name=name, log=log,
                          require=require, context=context)
    try:
        source = source_folder(submission)
    except SubmissionError as exc:
        raise GradingError(str(exc)) from None
    label = clean_text(submission if submission in BUILTIN_IMPLS else str(source), 300)
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
        os.chmod(tmp, 0o755)   # a worker with its own uid reads the private copy
        try:
            copy = private_copy(source, Path(tmp) / "submission")
        except SubmissionError as exc:
            raise GradingError(str(exc)) from None
        return _grade(label, str(copy.directory), copy, Path(tmp), out_dir, exercises=exercises,
                      isolation=isolation, test_timeout=test_timeout, name=name, log=log,
                      require=require, context=context)


def _grade(label: str, impl: str, copy: CopiedSubmission | None, tmp: Path, out_dir: Path, *,
           exercises: list[str] | None, isolation: str, test_timeout: int, name: str | None,
           log, require: str | None, context: GradeContext | None) -> Outcome:
    """Run the hidden graders on ``impl`` (a private copy, or a catalogued mistake's label)
    in a pytest process of its own; write the reports."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(label=label, name=name or Path(label).name, out_dir=out_dir)
    files = grader_files(exercises)
    started = time.monotonic()
    raw = tmp / "raw.jsonl"
    command = pytest_command(raw, files, isolation=isolation, test_timeout=test_timeout,
                             hide=[str(out_dir.resolve()), str(tmp), *(context.hide if context else [])],
                             require=require or (context.require if context else None),
                             extra=gpu_arguments(context))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", KIT_IMPL=impl)
    group = WorkerCgroup.create(f"kit-grader-{secrets.token_hex(8)}",
                                memory_bytes=config.GRADER_MEMORY_MB * 1024 * 1024, pids=4096)
    try:
        proc = subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=config.SUBMISSION_TIMEOUT,
                              preexec_fn=group.join if group is not None else None)
        log_text = proc.stdout.decode("utf-8", "replace")
        returncode = proc.returncode
    except subprocess.TimeoutExpired as exc:
        log_text = (exc.stdout or b"").decode("utf-8", "replace")
        returncode = -9
    finally:
        if group is not None:
            group.destroy()
    if copy is not None and copy.ignored:
        log_text = ("submission: graded " + (", ".join(copy.files) or "no file") + "; ignored: "
                    + "; ".join(copy.ignored) + "\n" + log_text)
    header = f"student: {clean_text(context.student, 200)}\n" if context and context.student else ""
    if context and context.notes:
        header += "hand-in: " + clean_line("; ".join(context.notes), 4000) + "\n"
    (out_dir / "grader.log").write_text(header + clean_text(log_text[-200_000:], 200_000),
                                        encoding="utf-8")
    collected, tests, errors, finished = read_raw(raw)
    gpu_tests = gpu_nodeids(raw)
    if errors:
        raise GradingError("the graders failed to collect (a kit bug, not the student's): "
                           + "; ".join(e["nodeid"] + ": " + e["message"][-300:] for e in errors))
    if not collected:
        raise GradingError(f"the grading process collected no tests (exit {returncode}); "
                           f"see {out_dir / 'grader.log'}:\n{clean_text(log_text[-1500:])}")
    crash = None if finished else (f"the grading process stopped early (exit {returncode}); "
                                   "tests that did not finish get no points")
    outcome.error = crash
    outcome.results = build_results(collected, tests, label, isolation_of(log_text, isolation),
                                    time.monotonic() - started, crash, context=context,
                                    gpu_tests=gpu_tests)
    annotate(outcome.results)   # likely misconceptions, from graders/mutants/signatures.json
    outcome.per_exercise = per_exercise(outcome.results)
    write_reports(outcome)
    if log:
        log(outcome)
    return outcome


def isolation_of(log_text: str, requested: str) -> str:
    for line in log_text.splitlines():
        if line.startswith("kit-isolation: "):
            return line.removeprefix("kit-isolation: ").split(": ", 1)[-1].strip()
    return requested


@dataclass
class GradeContext:
    """What the class layer knows about one student's run (all optional for one submission)."""

    student: str | None = None
    submission: str = ""
    run: str = ""
    gpu: str = "require"
    hidden_visibility: str = "visible"
    submitted_at: datetime | None = None
    deadline: datetime | None = None
    late_policy: LatePolicy | None = None
    notes: list[str] = field(default_factory=list)
    private_path: str = ""      # the unpacked copy: messages name the hand-in instead
    hide: list[str] = field(default_factory=list)   # more paths the worker must not see
    require: str | None = None  # refuse to grade below this sandbox (--isolation require=MODE)


def gpu_arguments(context: GradeContext | None) -> list[str]:
    """The pytest arguments of the GPU rule (:mod:`graders.engine.gpu_policy`)."""
    return ["-p", "graders.engine.gpu_policy", "--kit-gpu", context.gpu if context else "require"]


def gpu_nodeids(raw: Path) -> set[str]:
    found: set[str] = set()
    if raw.exists():
        for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
            if '"gpu_tests"' in line:
                try:
                    found.update(json.loads(line).get("nodeids", []))
                except ValueError:
                    continue
    return found


def build_results(collected: list[dict], tests: dict[str, dict], label: str, isolation: str,
                  elapsed: float, crash: str | None, *, context: GradeContext | None = None,
                  gpu_tests: set[str] | frozenset = frozenset()) -> dict:
    """results.json (schema 2, :mod:`graders.engine.results`) from the plugin's safe records.

    A skipped test (no GPU here, no extra, another run grades it) scores 0 and keeps its
    points in the maximum, as ``outcome: not_graded``."""
    context = context or GradeContext()
    public = public_test_names()
    entries, leaderboard = [], []
    for item in collected:
        record = tests.get(item["nodeid"])
        exercise, points = item["exercise"], item["points"]
        if record is None:
            outcome, output = "failed", crash or "not run"
        elif record["outcome"] == "skipped":
            outcome = "not_graded"
            output = f"{NOT_GRADED_PREFIX} ({record['message'] or 'skipped'})"
        else:
            outcome = "passed" if record["outcome"] == "passed" else "failed"
            output = record["message"]
            if item.get("feedback"):
                output = "feedback, worth no points" + (f": {output}" if output else "")
            for perf in record.get("perf", []):
                leaderboard.append({"name": f"{exercise}: {clean_text(perf['name'], 200)}",
                                    "value": finite_or_none(perf.get("value")),
                                    "order": "asc" if perf.get("order") == "asc" else "desc"})
                output = (output + "\n" if output else "") + _perf_line(perf)
        if context.private_path and output:
            output = output.replace(context.private_path, Path(context.submission).name or "submission")
        function = item["test"].split("[")[0]
        entries.append(TestResult(
            name=f"{exercise}: {item['test']}", score=points if outcome == "passed" else 0,
            max_score=points, status="passed" if outcome == "passed" else "failed", output=output,
            exercise=exercise, test=item["test"], function=function, outcome=outcome,
            gpu=item["nodeid"] in gpu_tests,
            visibility="visible" if (exercise, function) in public else context.hidden_visibility))
    result = SubmissionResult(
        student=context.student or Path(label).name, submission=context.submission or label,
        tests=entries, leaderboard=leaderboard, execution_time=elapsed, isolation=isolation,
        isolation_mode=isolation.split()[0] if isolation else "", run=context.run,
        gpu=context.gpu, crash=crash, notes=list(context.notes))
    result.refresh_exercises()
    apply_lateness(result, context.submitted_at, context.deadline, context.late_policy)
    return result.to_json()


_PUBLIC: dict[str, set] = {}


def public_test_names() -> set[tuple[str, str]]:
    """(exercise, function) of the public tests (``tests/test_*.py``): always visible."""
    if "names" not in _PUBLIC:
        names = set()
        for path in (REPO_ROOT / "tests").glob("test_*.py"):
            exercise = path.stem.removeprefix("test_")
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, SyntaxError):
                continue
            names |= {(exercise, node.name) for node in ast.walk(tree)
                      if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
        _PUBLIC["names"] = names
    return _PUBLIC["names"]


def _perf_line(perf: dict) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in perf.items() if k not in ("name", "value", "unit", "order"))
    return f"[perf] {perf['name']}: {perf['value']:.4g} {perf.get('unit', '')} ({extra})"


def per_exercise(results: dict) -> dict[str, tuple[int, int]]:
    table: dict[str, list[int]] = {}
    for test in results["tests"]:
        row = table.setdefault(test["tags"][0], [0, 0])
        row[0] += test["score"]
        row[1] += test["max_score"]
    return {k: (v[0], v[1]) for k, v in table.items()}


def write_reports(outcome: Outcome) -> None:
    out = outcome.out_dir
    results = outcome.results
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / "junit.xml", junit_xml(results, outcome.name))
    _atomic_write(out / "summary.txt", summary_text(outcome))
    # results.json last: its presence means this student is done (--skip-existing)
    _atomic_write(out / "results.json", json.dumps(results, indent=2, allow_nan=False))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def junit_xml(results: dict, name: str) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>']
    tests = results["tests"]
    student = clean_text((results.get("extra_data") or {}).get("student") or name, 200)
    failures = sum(1 for t in tests if t["status"] != "passed" and _outcome(t) != "not_graded")
    skipped = sum(1 for t in tests if _outcome(t) == "not_graded")
    lines.append(f'<testsuites><testsuite name={quoteattr(student)} tests="{len(tests)}" '
                 f'failures="{failures}" skipped="{skipped}" time="{results["execution_time"]}">')
    lines.append(f'<properties><property name="student" value={quoteattr(student)}/></properties>')
    error = (results.get("extra_data") or {}).get("error")
    if error:
        error = clean_text(error, 2000)
        lines.append(f'<testcase classname="graders" name="submission"><error message='
                     f'{quoteattr(error[:500])}>{escape(error)}</error></testcase>')
    for t in tests:
        exercise = t["tags"][0]
        attrs = f'classname={quoteattr("graders." + exercise)} name={quoteattr(t["name"])}'
        if t["status"] == "passed":
            lines.append(f"<testcase {attrs}/>")
        elif _outcome(t) == "not_graded":
            lines.append(f"<testcase {attrs}><skipped message={quoteattr(t['output'][:500])}/></testcase>")
        else:
            message = t["output"].splitlines()[0] if t["output"] else "failed"
            lines.append(f"<testcase {attrs}><failure message={quoteattr(message[:500])}>"
                         f"{escape(t['output'])}</failure></testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines) + "\n"


def _outcome(test: dict) -> str:
    return (test.get("extra_data") or {}).get("outcome", "passed" if test["status"] == "passed" else "failed")


def summary_text(outcome: Outcome) -> str:
    results = outcome.results
    extra = results.get("extra_data") or {}
    lines = [f"Student:    {extra.get('student') or outcome.name}",
             f"Submission: {extra.get('submission') or outcome.label}",
             f"Isolation:  {extra.get('isolation', '')}",
             f"Score:      {results['score']} / {results['max_score']}"]
    if extra.get("penalty_percent"):
        lines.append(f"Late:       {extra['late_days']} day(s), -{extra['penalty_percent']}% "
                     f"({extra['late_policy']}); before the penalty {extra['raw_score']}")
    elif extra.get("late_days") is not None:
        lines.append(f"Late:       {extra['late_days']} day(s)")
    if extra.get("error"):
        lines += ["", f"ERROR: {extra['error']}"]
    lines.append("")
    lines.append(f"{'exercise':<26}{'points':>12}")
    for exercise, (earned, possible) in per_exercise(results).items():
        lines.append(f"{exercise:<26}{earned:>6} / {possible:<4}")
    if outcome.error:
        lines += ["", f"NOTE: {outcome.error}"]
    for note in extra.get("notes") or []:
        lines.append(f"NOTE: {note}")
    not_graded = [t for t in results["tests"] if _outcome(t) == "not_graded"]
    if not_graded:
        lines += ["", f"Not graded on this machine ({extra.get('gpu')}): "
                      f"{sum(t['max_score'] for t in not_graded)} point(s) in {len(not_graded)} "
                      "test(s); they count in the maximum"]
    failed = [t for t in results["tests"] if t["status"] != "passed" and _outcome(t) != "not_graded"]
    if failed:
        lines += ["", "Tests that did not pass:"]
        for t in failed:
            lines.append(f"- {t['name']} ({t['max_score']} pt)")
            for text in (t["output"] or "failed").splitlines()[:12]:
                lines.append(f"    {text}")
    if results["leaderboard"]:
        lines += ["", "Performance:"]
        lines += [f"- {e['name']}: " + (f"{e['value']:.4g}" if e["value"] is not None else "not a number")
                  for e in results["leaderboard"]]
    return "\n".join(lines) + "\n"


class Progress:
    """A progress bar on a terminal, plain lines in CI logs."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = stream.isatty()
        self.lock = threading.Lock()

    def __call__(self, outcome: Outcome) -> None:
        with self.lock:
            self.done += 1
            score = (f"{outcome.results['score']}/{outcome.results['max_score']}"
                     if outcome.results and not outcome.error else "error")
            if self.tty:
                width = 30
                filled = int(width * self.done / max(self.total, 1))
                self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                                  f"{outcome.name[:30]:<30} {score:<10}")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"graded {self.done}/{self.total}: {outcome.name} {score}"
                                  + (f" ({outcome.error})" if outcome.error else "") + "\n")
            self.stream.flush()


# --------------------------------------------------------------------------- a whole class


@dataclass
class ClassOptions:
    """``grade`` options for a class (see README, "Grading a whole class")."""

    by_folder: Path | None = None
    canvas: Path | None = None
    nbgrader: Path | None = None
    roster: Path | None = None
    shard: str | None = None
    skip_existing: bool = False
    gpu: str | None = None                 # require / skip / only; None: the default rule
    deadline: str | None = None
    late_penalty: str | None = None
    submitted_at: Path | None = None
    hidden_visibility: str = "visible"
    run: str | None = None
    hide: list[str] = field(default_factory=list)   # paths the worker must not see (--hide)

    def is_class(self, submissions: list[str]) -> bool:
        return bool(self.by_folder or self.canvas or self.nbgrader or self.roster or self.shard
                    or len(submissions) != 1 or any(_is_id_argument(s) for s in submissions))


def _is_id_argument(argument: str) -> bool:
    return "=" in argument and not os.path.exists(argument)


def has_gpu() -> bool:
    if os.environ.get("KIT_ASSUME_GPU") in ("0", "1"):
        return os.environ["KIT_ASSUME_GPU"] == "1"
    try:
        import torch
    except ImportError:  # pragma: no cover
        return False
    return torch.cuda.is_available()


def selected_have_gpu_tests(exercises: list[str] | None) -> bool:
    return any(_GPU_MARK.search(f.read_text(encoding="utf-8")) for f in grader_files(exercises))


_GPU_MARK = re.compile(r"mark\.(gpu|perf)\b")


def gpu_mode(requested: str | None, exercises: list[str] | None) -> str:
    """``--gpu``: require (default when the selected exercises have GPU tests and a GPU is
    present), skip (otherwise) or only. ``require`` and ``only`` need a GPU here."""
    present = has_gpu()
    if requested is None:
        return "require" if present and selected_have_gpu_tests(exercises) else "skip"
    if requested in ("require", "only") and not present and selected_have_gpu_tests(exercises):
        raise GradingError(f"--gpu {requested}: no CUDA GPU on this machine "
                           "(use --gpu skip here and a --gpu only run on a GPU machine, then merge)")
    return requested


def parse_isolation(value: str) -> tuple[str, str | None]:
    """``--isolation``: a mode (``auto``, ``bwrap``, ...) or ``require=MODE`` (the strongest
    sandbox here, refusing to grade below MODE): ``(mode, required level or None)``."""
    if value.startswith("require="):
        level = value.removeprefix("require=")
        if level not in config.ISOLATION_MODES:
            raise GradingError(f"--isolation require=MODE: MODE is one of {', '.join(config.ISOLATION_MODES)}")
        return "auto", level
    if value not in config.ISOLATION_CHOICES:
        raise GradingError(f"--isolation: one of {', '.join(config.ISOLATION_CHOICES)} or require=MODE")
    return value, None


def default_run_id(shard=None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{socket.gethostname()[:20]}" + (f"-shard{shard.index}of{shard.count}" if shard else "")


def grade(submissions: list[str], out: Path, *, jobs: int = 1, exercises: list[str] | None = None,
          isolation: str = "auto", test_timeout: int = DEFAULT_TEST_TIMEOUT,
          options: ClassOptions | None = None) -> list[Outcome]:
    """Grade every submission; one folder of reports each when there are several."""
    for e in exercises or []:
        if e not in BY_NAME:
            raise GradingError(f"unknown exercise {e!r}; known: {', '.join(BY_NAME)}")
    options = options or ClassOptions()
    try:
        policy = LatePolicy.parse(options.late_penalty) if options.late_penalty else None
        deadline = parse_time(options.deadline) if options.deadline else None
        shard = parse_shard(options.shard)
    except ValueError as exc:
        raise GradingError(str(exc)) from None
    if options.hidden_visibility not in VISIBILITIES:
        raise GradingError(f"--hidden-visibility: one of {', '.join(VISIBILITIES)}")
    mode = gpu_mode(options.gpu, exercises)
    run = options.run or default_run_id(shard)
    isolation, require = parse_isolation(isolation)
    base = GradeContext(run=run, gpu=mode, hidden_visibility=options.hidden_visibility,
                        deadline=deadline, late_policy=policy, hide=list(options.hide),
                        require=require)
    out.mkdir(parents=True, exist_ok=True)
    if not options.is_class(submissions):
        sub = intake.from_argument(submissions[0])
        context = replace(base, student=sub.student, submission=sub.source)
        if sub.kind != "zip":
            return [run_one(submissions[0], out, exercises=exercises, isolation=isolation,
                            test_timeout=test_timeout, context=context)]
        with tempfile.TemporaryDirectory(prefix="kit-intake-") as work:
            try:
                prepared = intake.prepare(sub, Path(work))
            except intake.IntakeError as exc:
                raise GradingError(str(exc)) from None
            context.notes = prepared.notes
            context.private_path = prepared.target
            return [run_one(prepared.target, out, exercises=exercises, isolation=isolation,
                            test_timeout=test_timeout, context=context)]
    return grade_class(submissions, out, jobs=jobs, exercises=exercises, isolation=isolation,
                       test_timeout=test_timeout, options=options, base=base, shard=shard)


def collect_submissions(submissions: list[str], options: ClassOptions) -> list[intake.Submission]:
    """Everything handed in, each with its student id; a duplicate id names both paths."""
    try:
        found = [intake.from_argument(s) for s in submissions]
        if options.by_folder:
            found += intake.from_folder(options.by_folder)
        if options.canvas:
            found += intake.from_canvas(options.canvas)
        if options.nbgrader:
            found += intake.from_nbgrader(options.nbgrader)
        roster_mod.check_unique([(s.student, s.source) for s in found])
    except (intake.IntakeError, roster_mod.RosterError) as exc:
        raise GradingError(str(exc)) from None
    return found


def grade_class(submissions: list[str], out: Path, *, jobs: int, exercises: list[str] | None,
                isolation: str, test_timeout: int, options: ClassOptions, base: GradeContext,
                shard) -> list[Outcome]:
    """Many students: ``OUT/<student>/`` each; unless sharded, ``OUT/gradebook.csv``,
    ``OUT/summary.txt`` (the class) and ``OUT/run.json``."""
    from .merge import write_class_outputs

    found = collect_submissions(submissions, options)
    try:
        roster = roster_mod.load_roster(options.roster) if options.roster else None
        times = roster_mod.load_times(options.submitted_at) if options.submitted_at else {}
    except roster_mod.RosterError as exc:
        raise GradingError(str(exc)) from None
    if roster:
        times = {**{k: v.submitted_at for k, v in roster.items() if v.submitted_at}, **times}
    mine = [s for s in found if shard is None or shard.owns(s.student)]
    kept: dict[str, SubmissionResult] = {}
    todo = []
    for sub in mine:
        previous = _existing(out / sub.student, base.gpu) if options.skip_existing else None
        if previous is not None:
            kept[sub.student] = previous
        else:
            todo.append(sub)
    if options.skip_existing and kept:
        print(f"--skip-existing: {len(kept)} student(s) already graded, {len(todo)} to grade",
              file=sys.stderr)
    progress = Progress(len(todo))
    workdir = Path(tempfile.mkdtemp(prefix="kit-intake-"))

    def one(sub: intake.Submission) -> Outcome:
        target = out / sub.student
        context = replace(base, student=sub.student, submission=sub.source)
        try:
            when = times.get(sub.student) or sub.submitted_at
            context.submitted_at = parse_time(when, f"submitted_at of {sub.student}") if when else None
            prepared = intake.prepare(sub, workdir)
            context.notes = prepared.notes
            context.private_path = prepared.target if sub.kind != "builtin" else ""
            return run_one(prepared.target, target, exercises=exercises, isolation=isolation,
                           test_timeout=test_timeout, name=sub.student, log=progress, context=context)
        except Exception as exc:  # noqa: BLE001 - one broken submission never loses the others
            message = str(exc) if isinstance(exc, (intake.IntakeError, GradingError, ValueError)) \
                else f"{type(exc).__name__}: {exc}"
            outcome = error_outcome(sub, target, context, message)
            progress(outcome)
            return outcome
        finally:
            shutil.rmtree(workdir / sub.student, ignore_errors=True)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            outcomes = list(pool.map(one, todo))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if shard is None:
        results = dict(kept)
        for o in outcomes:
            results[o.name] = SubmissionResult.from_json(o.results)
        chosen = exercises or [e.name for e in EXERCISES if (GRADER_DIR / f"test_{e.name}.py").is_file()]
        names = {s.student: s.name for s in found if s.name}
        write_class_outputs(results, out, roster=roster, exercises=chosen, names=names)
        _atomic_write(out / "run.json", json.dumps({
            "run": base.run, "kit_version": kit_version(), "graders_hash": graders_hash(),
            "gpu": base.gpu, "exercises": chosen, "students": len(results),
            "finished_at": now_iso()}, indent=2))
    return outcomes


def _existing(folder: Path, gpu: str) -> SubmissionResult | None:
    """A finished result of this student from the same graders and GPU mode, if any."""
    try:
        result = SubmissionResult.from_json(json.loads((folder / "results.json").read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if result.graders_hash != graders_hash() or result.gpu != gpu:
        return None
    return result


def error_outcome(sub: intake.Submission, target: Path, context: GradeContext,
                  message: str) -> Outcome:
    """A student whose hand-in could not be graded: an error record, no points."""
    result = SubmissionResult(student=sub.student, submission=sub.source, run=context.run,
                              gpu=context.gpu, error=message, notes=list(context.notes))
    outcome = Outcome(label=sub.source, name=sub.student, out_dir=target, error=result.error,
                      results=result.to_json())
    try:
        write_reports(outcome)
    except OSError:
        pass
    return outcome

