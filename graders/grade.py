"""``python -m graders grade``: grade one or many submissions, write the reports.

For each submission a pytest process runs the hidden graders (``graders/test_*.py``)
with the report plugin; this process -- which never runs student code -- reads
the per-test records and writes, only here:

* ``results.json`` in Gradescope's schema (``tests[]`` with ``name``, ``score``,
  ``max_score``, ``status``, ``output``, ``tags``, ``visibility``; ``leaderboard``),
* ``junit.xml`` built from the same safe records,
* ``summary.txt``, a readable table and the failures.

Several submissions: ``DIR/<name>/...`` each and ``DIR/gradebook.csv`` (a row per
submission, a column per exercise, a total), graded ``--jobs`` at a time.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kit.boundary.sanitize import clean_text, finite_or_none
from kit.exercises import BY_NAME, EXERCISES
from kit.loader import BUILTIN_IMPLS, REPO_ROOT

from . import config
from .cgroups import WorkerCgroup
from .submission import SubmissionError, private_copy, source_folder

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
        "-p", "graders.report", "-p", "graders.isolation",
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
            test_timeout: int, name: str | None = None, log=None, require: str | None = None) -> Outcome:
    """Grade one submission; always writes the reports unless the grader itself broke.

    The submission is first copied (plain ``<exercise>.py`` files only) into a private
    folder; only that copy is graded, by a pytest process that gets its path from the
    environment and runs in its own cgroup where cgroups are available.
    """
    try:
        source = source_folder(submission)
    except SubmissionError as exc:
        raise GradingError(str(exc)) from None
    label = clean_text(submission if submission in BUILTIN_IMPLS else str(source), 300)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(label=label, name=name or Path(label).name, out_dir=out_dir)
    files = grader_files(exercises)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
        os.chmod(tmp, 0o755)   # a worker with its own uid reads the private copy
        try:
            copy = private_copy(source, Path(tmp) / "submission")
        except SubmissionError as exc:
            raise GradingError(str(exc)) from None
        raw = Path(tmp) / "raw.jsonl"
        command = pytest_command(raw, files, isolation=isolation, test_timeout=test_timeout,
                                 hide=[str(out_dir.resolve()), tmp], require=require)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0",
                   KIT_IMPL=str(copy.directory))
        group = WorkerCgroup.create(f"kit-grader-{secrets.token_hex(8)}",
                                    memory_bytes=config.GRADER_MEMORY_MB * 1024 * 1024,
                                    pids=4096)
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
        if copy.ignored:
            log_text = ("submission: graded " + (", ".join(copy.files) or "no file") + "; ignored: "
                        + "; ".join(copy.ignored) + "\n" + log_text)
        (out_dir / "grader.log").write_text(clean_text(log_text[-200_000:], 200_000), encoding="utf-8")
        collected, tests, errors, finished = read_raw(raw)
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
                                    time.monotonic() - started, crash)
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


def build_results(collected: list[dict], tests: dict[str, dict], label: str, isolation: str,
                  elapsed: float, crash: str | None) -> dict:
    entries, leaderboard = [], []
    for item in collected:
        record = tests.get(item["nodeid"])
        exercise, points = item["exercise"], item["points"]
        if record is None:
            status, score, output = "failed", 0, crash or "not run"
        elif record["outcome"] == "skipped":
            # Not gradable here (no GPU, no extra): worth nothing rather than a penalty.
            status, score, points = "passed", 0, 0
            output = f"NOT GRADED here ({record['message'] or 'skipped'})"
        else:
            status = "passed" if record["outcome"] == "passed" else "failed"
            score = points if status == "passed" else 0
            output = record["message"]
            if item.get("feedback"):
                output = "feedback, worth no points" + (f": {output}" if output else "")
            for perf in record.get("perf", []):
                leaderboard.append({"name": f"{exercise}: {clean_text(perf['name'], 200)}",
                                    "value": finite_or_none(perf.get("value")),
                                    "order": "asc" if perf.get("order") == "asc" else "desc"})
                output = (output + "\n" if output else "") + _perf_line(perf)
        entries.append({
            "name": f"{exercise}: {item['test']}",
            "score": score,
            "max_score": points,
            "status": status,
            "output": output,
            "tags": [exercise],
            "visibility": "visible",
        })
    total = sum(e["score"] for e in entries)
    possible = sum(e["max_score"] for e in entries)
    summary = f"{total} / {possible} points; isolation: {isolation}"
    if crash:
        summary += f"\n{crash}"
    return {
        "score": total,
        "max_score": possible,
        "execution_time": round(elapsed, 2),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": entries,
        "leaderboard": leaderboard,
        "extra_data": {"submission": label, "isolation": isolation},
    }


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
    _atomic_write(out / "results.json", json.dumps(results, indent=2, allow_nan=False))
    _atomic_write(out / "junit.xml", junit_xml(results, outcome.name))
    _atomic_write(out / "summary.txt", summary_text(outcome))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def junit_xml(results: dict, name: str) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>']
    tests = results["tests"]
    failures = sum(1 for t in tests if t["status"] != "passed")
    lines.append(f'<testsuites><testsuite name={quoteattr(clean_text(name, 200))} tests="{len(tests)}" '
                 f'failures="{failures}" time="{results["execution_time"]}">')
    for t in tests:
        exercise = t["tags"][0]
        attrs = f'classname={quoteattr("graders." + exercise)} name={quoteattr(t["name"])}'
        if t["status"] == "passed":
            lines.append(f"<testcase {attrs}/>")
        else:
            message = t["output"].splitlines()[0] if t["output"] else "failed"
            lines.append(f"<testcase {attrs}><failure message={quoteattr(message[:500])}>"
                         f"{escape(t['output'])}</failure></testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines) + "\n"


def summary_text(outcome: Outcome) -> str:
    results = outcome.results
    lines = [f"Submission: {outcome.label}",
             f"Isolation:  {results['extra_data']['isolation']}",
             f"Score:      {results['score']} / {results['max_score']}", ""]
    lines.append(f"{'exercise':<26}{'points':>12}")
    for exercise, (earned, possible) in outcome.per_exercise.items():
        lines.append(f"{exercise:<26}{earned:>6} / {possible:<4}")
    if outcome.error:
        lines += ["", f"NOTE: {outcome.error}"]
    failed = [t for t in results["tests"] if t["status"] != "passed"]
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


def write_gradebook(outcomes: list[Outcome], path: Path, exercises: list[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["submission", *exercises, "total", "max_total", "error"])
        for o in outcomes:
            row = [o.name]
            for e in exercises:
                row.append(o.per_exercise.get(e, (0, 0))[0] if o.per_exercise else 0)
            total = o.results.get("score", 0) if o.results else 0
            possible = o.results.get("max_score", 0) if o.results else 0
            writer.writerow(row + [total, possible, o.error or ""])
    os.replace(tmp, path)


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
                     if outcome.results else "error")
            if self.tty:
                width = 30
                filled = int(width * self.done / self.total)
                self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                                  f"{outcome.name[:30]:<30} {score:<10}")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"graded {self.done}/{self.total}: {outcome.name} {score}\n")
            self.stream.flush()


def grade(submissions: list[str], out: Path, *, jobs: int = 1, exercises: list[str] | None = None,
          isolation: str = "auto", test_timeout: int = DEFAULT_TEST_TIMEOUT) -> list[Outcome]:
    """Grade every submission; one folder of reports each when there are several."""
    for e in exercises or []:
        if e not in BY_NAME:
            raise GradingError(f"unknown exercise {e!r}; known: {', '.join(BY_NAME)}")
    out.mkdir(parents=True, exist_ok=True)
    if len(submissions) == 1:
        return [run_one(submissions[0], out, exercises=exercises, isolation=isolation,
                        test_timeout=test_timeout)]
    names = _unique_names(submissions)
    progress = Progress(len(submissions))

    def one(pair: tuple[str, str]) -> Outcome:
        submission, name = pair
        target = out / name
        try:
            return run_one(submission, target, exercises=exercises, isolation=isolation,
                           test_timeout=test_timeout, name=name, log=progress)
        except Exception as exc:  # noqa: BLE001 - one broken submission never loses the others
            outcome = Outcome(label=submission, name=name, out_dir=target,
                              error=f"{type(exc).__name__}: {exc}")
            progress(outcome)
            return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(one, zip(submissions, names)))
    chosen = exercises or [e.name for e in EXERCISES if (GRADER_DIR / f"test_{e.name}.py").is_file()]
    write_gradebook(outcomes, out / "gradebook.csv", chosen)
    return outcomes


def _unique_names(submissions: list[str]) -> list[str]:
    names, seen = [], {}
    for s in submissions:
        base = Path(s).name or "submission"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return names
