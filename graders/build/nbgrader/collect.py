"""Step 1 of the course build: the hidden test functions of each exercise, with their points.

A collect-only pytest run over ``graders/test_<exercise>.py`` (this module is its
plugin, ``-p graders.build.nbgrader.collect``) lists every test case; the cases of one test
function become one :class:`GraderTest`, the unit an autograder cell stands for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kit.exercises import exercise_of_test_file
from kit.loader import REPO_ROOT

from .errors import CourseError


@dataclass
class GraderTest:
    """One test function of ``graders/test_<exercise>.py`` (all its parametrized cases)."""

    name: str
    points: int = 0
    cases: int = 0
    markers: set[str] = field(default_factory=set)
    doc: str = ""

    @property
    def needs_gpu(self) -> bool:
        """Marked ``gpu``: skipped (worth nothing) where there is no CUDA GPU."""
        return "gpu" in self.markers


# Loaded with ``-p graders.build.nbgrader.collect`` by :func:`collect_grader_tests` (a collect-only run).
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption("--kit-collect-out", default=None,
                                     help="(nbgrader build) write the collected grader tests here")


def pytest_collection_finish(session: pytest.Session) -> None:
    path = session.config.getoption("kit_collect_out")
    if not path:
        return
    from kit.pytest_plugin import points_of

    items = []
    for item in session.items:
        exercise = exercise_of_test_file(item.path.name)
        if exercise is None:
            continue
        function = getattr(item, "function", None)
        items.append({
            "exercise": exercise,
            "function": getattr(item, "originalname", item.name),
            "points": points_of(item),
            "markers": sorted({m.name for m in item.iter_markers()}
                              & {"slow", "gpu", "perf", "pretrained", "triton"}),
            "doc": ((function.__doc__ or "").strip().splitlines() or [""])[0] if function else "",
        })
    Path(path).write_text(json.dumps(items), encoding="utf-8")


def pytest_collectreport(report) -> None:
    if report.failed:
        raise pytest.UsageError(f"collecting {report.nodeid} failed:\n{str(report.longrepr)[-2000:]}")


def collect_grader_tests(names: list[str], repo_root: Path = REPO_ROOT) -> dict[str, list[GraderTest]]:
    """The hidden test functions of each exercise, in file order, with their points."""
    files = [str(repo_root / "graders" / f"test_{n}.py") for n in names]
    with tempfile.TemporaryDirectory(prefix="kit-nbgrader-") as tmp:
        out = Path(tmp) / "collected.json"
        command = [sys.executable, "-m", "pytest", "-p", "graders.build.nbgrader.collect", "--kit-collect-out",
                   str(out), "--collect-only", "-q", "--no-points", "-p", "no:cacheprovider",
                   "-o", "addopts=--strict-markers", "--rootdir", str(repo_root),
                   "-c", str(repo_root / "pyproject.toml"), "--impl", "solutions", *files]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        env.pop("KIT_IMPL", None)
        proc = subprocess.run(command, cwd=repo_root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, check=False)
        if proc.returncode != 0 or not out.exists():
            raise CourseError(f"collecting the graders failed (exit {proc.returncode}):\n"
                              f"{proc.stdout[-3000:]}")
        items = json.loads(out.read_text(encoding="utf-8"))
    tests: dict[str, dict[str, GraderTest]] = {n: {} for n in names}
    for item in items:
        test = tests[item["exercise"]].setdefault(item["function"], GraderTest(item["function"]))
        test.points += item["points"]
        test.cases += 1
        test.markers |= set(item["markers"])
        test.doc = test.doc or item["doc"]
    return {n: list(t.values()) for n, t in tests.items()}


