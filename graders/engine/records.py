"""pytest plugin used by ``python -m graders grade``: one safe record per grader test.

Runs in the trusted grading process. For each test it keeps the exercise, the
points, the outcome and a message that is safe to show a student: the text of a
failed check (never pytest's assertion introspection, which would print hidden
expected values), the type and message of an exception the student's code
raised with only the student's own frames, or a skip reason. The records are
appended to ``--kit-raw FILE`` (JSON lines) as tests finish, so a crash loses
nothing already graded; ``graders.engine.grade`` turns them
into ``results.json``, the summary and the gradebook.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import pytest

from kit.boundary.sanitize import clean_text, finite_or_none
from kit.exercises import exercise_of_test_file
from kit.pytest_plugin import SPEC_KEY, points_of

from . import config

MAX_MESSAGE = config.MESSAGE_CHARS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption("--kit-raw", default=None,
                                     help="(grade command) write per-test records to this JSON file")


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


class RawRecords:
    """The plugin's state for one run (registered on the config): the per-test records,
    appended to ``--kit-raw`` as each test finishes."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.tests: dict[str, dict] = {}
        self.path = config.getoption("kit_raw")

    def write(self, record: dict) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, allow_nan=False) + "\n")
                fh.flush()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call):
        outcome = yield
        report = outcome.get_result()
        exercise = exercise_of_test_file(item.path.name)
        if exercise is None:
            return
        function = getattr(item, "function", None)
        entry = self.tests.setdefault(item.nodeid, {
            "exercise": exercise,
            "test": item.name,
            "function": getattr(item, "originalname", item.name),
            "points": points_of(item),
            "feedback": item.get_closest_marker("feedback") is not None,
            "gpu": _needs_gpu(item),
            "outcome": "passed",
            "message": "",
            "duration": 0.0,
            "perf": [],
            "doc": ((function.__doc__ or "").strip().splitlines() or [""])[0] if function else "",
        })
        entry["duration"] += float(report.duration)
        if report.when == "call":
            entry["perf"] = [_clean_perf(value) for key, value in item.user_properties
                             if key == "kit_perf"]
        if report.skipped:
            entry["outcome"] = "skipped"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            entry["message"] = clean_text(f"skipped: {reason.removeprefix('Skipped: ')}", MAX_MESSAGE)
        elif report.failed and entry["outcome"] != "failed":
            entry["outcome"] = "failed"
            spec = item.config.stash[SPEC_KEY]
            if call.excinfo is not None:
                message = safe_message(call.excinfo, spec.directory)
            else:
                message = "failed"
            if report.when != "call":
                message = f"({report.when}) {message}"
            # The one place where text from the student's side enters a report record.
            entry["message"] = clean_text(message, MAX_MESSAGE)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = []
        for item in session.items:
            exercise = exercise_of_test_file(item.path.name)
            if exercise is not None:
                items.append({"nodeid": item.nodeid, "exercise": exercise, "test": item.name,
                              "function": getattr(item, "originalname", item.name),
                              "points": points_of(item), "gpu": _needs_gpu(item),
                              "feedback": item.get_closest_marker("feedback") is not None})
        self.write({"kind": "collected", "items": items})

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        entry = self.tests.get(nodeid)
        if entry is not None:
            self.write({"kind": "test", "nodeid": nodeid, **entry})

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.write({"kind": "collect_error", "nodeid": report.nodeid,
                        "message": clean_text(str(report.longrepr)[-2000:])})

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        self.write({"kind": "finished", "exitstatus": int(exitstatus)})


def _needs_gpu(item: pytest.Item) -> bool:
    perf = item.get_closest_marker("perf")
    return item.get_closest_marker("gpu") is not None or (
        perf is not None and not perf.kwargs.get("cpu", False))


def _clean_perf(entry: dict) -> dict:
    out = {}
    for key, value in entry.items():
        if isinstance(value, float):
            out[key] = finite_or_none(value)
        elif isinstance(value, (int, bool)) or value is None:
            out[key] = value
        else:
            out[key] = clean_text(value, 200)
    return out


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(RawRecords(config), "kit-raw-records")
