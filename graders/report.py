"""pytest plugin used by ``python -m graders grade``: one safe record per grader test.

Runs in the trusted grading process. For each test it keeps the exercise, the
points, the outcome and a message that is safe to show a student: the text of a
failed check (never pytest's assertion introspection, which would print hidden
expected values), the type and message of an exception the student's code
raised with only the student's own frames, or a skip reason. The records are
appended to ``--kit-raw FILE`` (JSON lines) as tests finish, so a crash loses
nothing already graded; ``graders.grade`` turns them
into ``results.json``, the summary and the gradebook.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import pytest

from kit.exercises import exercise_of_test_file
from kit.pytest_plugin import SPEC_KEY, points_of

RAW_KEY = pytest.StashKey[dict]()
MAX_MESSAGE = 4000


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption("--kit-raw", default=None,
                                     help="(grade command) write per-test records to this JSON file")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RAW_KEY] = {"tests": {}}


def _submission_frames(excinfo, directory: Path) -> str:
    """The traceback lines that are in the student's own files (never the graders')."""
    lines = []
    for entry in traceback.extract_tb(excinfo.tb):
        try:
            inside = Path(entry.filename).resolve().is_relative_to(directory)
        except (OSError, ValueError):
            inside = False
        if inside:
            lines.append(f"  {Path(entry.filename).name}, line {entry.lineno}, in {entry.name}\n"
                         f"    {entry.line or ''}")
    return "\n".join(lines[-8:])


def safe_message(excinfo, directory: Path) -> str:
    """What a student may see about a failure (no hidden expected values)."""
    exc = excinfo.value
    name = type(exc).__name__
    text = str(exc)
    remote_tb = getattr(exc, "kit_remote_traceback", None)
    if getattr(exc, "kit_message", None):
        return exc.kit_message
    if isinstance(exc, AssertionError):
        return text.strip() or "a check failed (no detail)"
    if name == "Failed" and "Timeout" in text:
        return f"timed out: {text.strip()}"
    if isinstance(exc, NotImplementedError):
        return f"not implemented yet: {text}"
    if name == "ImplementationError":
        return f"could not load the exercise module: {text}"
    message = f"your code raised {name}: {text}"
    frames = remote_tb if remote_tb is not None else _submission_frames(excinfo, directory)
    if frames:
        message += "\n" + frames
    return message


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    exercise = exercise_of_test_file(item.path.name)
    if exercise is None:
        return
    raw = item.config.stash[RAW_KEY]["tests"]
    entry = raw.setdefault(item.nodeid, {
        "exercise": exercise,
        "test": item.name,
        "points": points_of(item),
        "outcome": "passed",
        "message": "",
        "duration": 0.0,
        "perf": [],
        "doc": (item.function.__doc__ or "").strip().splitlines()[0] if getattr(item, "function", None)
        is not None and item.function.__doc__ else "",
    })
    entry["duration"] += float(report.duration)
    if report.when == "call":
        entry["perf"] = [value for key, value in item.user_properties if key == "kit_perf"]
    if report.skipped:
        entry["outcome"] = "skipped"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        entry["message"] = f"skipped: {reason.removeprefix('Skipped: ')}"
    elif report.failed and entry["outcome"] != "failed":
        entry["outcome"] = "failed"
        spec = item.config.stash[SPEC_KEY]
        if call.excinfo is not None:
            message = safe_message(call.excinfo, spec.directory)
        else:
            message = "failed"
        if report.when != "call":
            message = f"({report.when}) {message}"
        entry["message"] = message[:MAX_MESSAGE]


def _write(config: pytest.Config, record: dict) -> None:
    path = config.getoption("kit_raw")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
            fh.flush()


def pytest_collection_finish(session: pytest.Session) -> None:
    items = []
    for item in session.items:
        exercise = exercise_of_test_file(item.path.name)
        if exercise is not None:
            items.append({"nodeid": item.nodeid, "exercise": exercise, "test": item.name,
                          "points": points_of(item)})
    _write(session.config, {"kind": "collected", "items": items})


def pytest_runtest_logfinish(nodeid: str, location) -> None:
    config = _CONFIG[0] if _CONFIG else None
    if config is None:
        return
    entry = config.stash[RAW_KEY]["tests"].get(nodeid)
    if entry is not None:
        _write(config, {"kind": "test", "nodeid": nodeid, **entry})


_CONFIG: list = []


def pytest_sessionstart(session: pytest.Session) -> None:
    _CONFIG[:] = [session.config]


def pytest_collectreport(report) -> None:
    if report.failed and _CONFIG:
        _write(_CONFIG[0], {"kind": "collect_error", "nodeid": report.nodeid,
                            "message": str(report.longrepr)[-2000:]})


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    _write(session.config, {"kind": "finished", "exitstatus": int(exitstatus)})
