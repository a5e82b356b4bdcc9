"""What each part of the repository is, and who gets it: one table.

The student copy (``python -m graders release``), the grading bundle (Gradescope),
the sandbox (what a worker may not see) and the pytest plugin (which tests are hidden,
so never reveal expected values) all read this table; none keeps its own path rules.
Paths only: nothing here is secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Area:
    path: str            # relative to the repository root ("graders/mutants")
    role: str
    students: bool       # shipped in the student copy
    bundle: bool         # shipped in a grading bundle (Gradescope)
    worker: bool         # readable by the sandboxed worker that runs student code


AREAS: tuple[Area, ...] = (
    Area("exercises", "stubs students fill in", students=True, bundle=False, worker=False),
    Area("tests", "public tests", students=True, bundle=False, worker=False),
    Area("kit", "the public package: plugin, value boundary, checks, data", True, True, True),
    Area("conftest.py", "loads the kit's pytest plugin", True, True, False),
    Area("tox.ini", "the test command in a fresh environment", True, False, False),
    Area("solutions", "reference solutions", False, False, False),
    Area("graders", "hidden tests and the grading engine", False, True, False),
    Area("graders/mutants", "catalogued wrong implementations", False, False, False),
    Area("graders/mutants/signatures.json", "which tests each catalogued mistake fails (named "
         "misconceptions in the reports)", False, True, False),
    Area("graders/selftests", "the kit's own tests", False, False, False),
    Area("graders/tools", "instructor tools", False, False, False),
    Area("docs", "documentation (the student README ships separately)", False, False, False),
    Area("benchmarks", "benchmarks", False, False, False),
    Area("examples", "CI recipes and a sample class", False, False, False),
    Area("pyproject.toml", "package metadata and settings", False, True, False),
    Area("README.md", "the instructor README", False, True, False),
    Area(".git", "history", False, False, False),
)

#: Build and cache litter that never ships anywhere.
LITTER_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".mypy_cache",
                         ".ruff_cache", ".tox", ".venv", ".venv-ci", "build", "dist"})
LITTER_SUFFIXES = (".pyc", ".pyo", ".swp", ".orig", ".rej", "~")
LITTER_NAMES = frozenset({".DS_Store", "Thumbs.db"})


def area_of(rel: str | PurePath) -> Area | None:
    """The most specific area holding ``rel`` (a path relative to the repository root)."""
    parts = PurePath(rel).parts
    best = None
    for area in AREAS:
        own = PurePath(area.path).parts
        if tuple(parts[:len(own)]) == own and (best is None or len(own) > len(PurePath(best.path).parts)):
            best = area
    return best


def is_litter(rel: str | PurePath) -> bool:
    path = PurePath(rel)
    return (path.name in LITTER_NAMES or path.name.endswith(LITTER_SUFFIXES)
            or any(part in LITTER_DIRS for part in path.parts))


def for_students(rel: str | PurePath) -> bool:
    area = area_of(rel)
    return area is not None and area.students and not is_litter(rel)


def in_bundle(rel: str | PurePath) -> bool:
    area = area_of(rel)
    return area is not None and area.bundle and not is_litter(rel)


def hidden_from_worker() -> list[str]:
    """Top-level areas a sandboxed worker must not see (paths relative to the root)."""
    return [a.path for a in AREAS if not a.worker and "/" not in a.path]


def is_hidden_test(path: str | PurePath) -> bool:
    """A test file whose failures must never show expected values (a hidden grader)."""
    parts = PurePath(path).parts
    return "graders" in parts
