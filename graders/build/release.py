"""``python -m graders release OUT_DIR``: the student copy of the kit.

The copy holds what students need and nothing an instructor keeps back:

* ``exercises/`` (the stubs), ``tests/`` (the public tests), ``kit/`` (the kit's public
  helpers and data), ``conftest.py``, ``tox.ini``;
* ``pyproject.toml`` with the ``kit_impl`` default switched to ``exercises`` and only
  ``tests`` in ``testpaths``, so ``python -m pytest`` tests the student's own code;
* a student ``README.md`` (from ``docs/STUDENT_README.md``) and a ``.gitignore``.

Never ``solutions/``, ``graders/``, ``docs/``, ``benchmarks/`` or CI files.

Before anything is written to ``OUT_DIR`` the copy is built in a temporary folder
and **checked**, file by file, for leaks (see :func:`find_leaks`): no function body,
solution-only statement or distinctive line of ``solutions/*.py``, of the wrong
implementations in ``graders/mutants/`` or of the hidden tests ``graders/test_*.py``
may appear anywhere in it (a hidden test's text that its exercise's public test already
shows, such as the shared fixtures, is public). A helper that a stub gives complete (identical in the
stub and the solution) is public by design when its docstring says so (the word
"given", e.g. "Given complete."), when it has no docstring (a function to write
always has one) or when it is a method of a class whose other methods are stubbed;
otherwise a stub whose body is the reference is reported as a leak. On a leak the command fails with the list of findings and leaves
``OUT_DIR`` untouched.

``OUT_DIR`` must not exist, be empty, or be an earlier student copy (it carries a
``.kit-release`` marker); it is then replaced as a whole.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from kit import layout
from kit.exercises import CHAPTERS, EXERCISES
from kit.loader import REPO_ROOT

from ..engine.grade import GradingError
from .leaks import Leak, collect_secrets, find_leaks, scan_tree

MARKER = ".kit-release"
STUDENT_README = Path("docs") / "STUDENT_README.md"

GITIGNORE = """\
.venv/
__pycache__/
*.pyc
.pytest_cache/
*.egg-info/
build/
dist/
.tox/
.ipynb_checkpoints/
submission.zip
"""

class ReleaseError(GradingError):
    """The student copy could not be built, or would leak (nothing was written)."""


# --------------------------------------------------------------------------- building


def _skipped(path: Path) -> bool:
    return layout.is_litter(path)


def shipped_files(repo_root: Path = REPO_ROOT) -> list[Path]:
    """The repository files that go to students (``kit.layout``), relative to ``repo_root``."""
    files: list[Path] = []
    for area in layout.AREAS:
        if not area.students:
            continue
        base = repo_root / area.path
        if base.is_file():
            files.append(Path(area.path))
            continue
        if not base.is_dir():
            raise ReleaseError(f"the repository has no {area.path}/ folder ({base})")
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(repo_root)
            if path.is_file() and not path.is_symlink() and layout.for_students(rel):
                files.append(rel)
    for name in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
        if (repo_root / name).is_file():
            files.append(Path(name))
    if not (repo_root / "conftest.py").is_file():
        raise ReleaseError("the repository has no conftest.py")
    return files


def student_pyproject(text: str, testpaths: list[str]) -> str:
    """The instructor ``pyproject.toml`` with the student defaults."""
    new, count = re.subn(r'(?m)^(\s*kit_impl\s*=\s*)"[^"]*"', r'\1"exercises"', text)
    if count != 1:
        raise ReleaseError("pyproject.toml: expected exactly one kit_impl = \"...\" line in "
                           "[tool.pytest.ini_options]")
    listed = ", ".join(f'"{p}"' for p in testpaths)
    new, count = re.subn(r'(?m)^(\s*testpaths\s*=\s*)\[[^\]]*\]', rf"\g<1>[{listed}]", new)
    if count != 1:
        raise ReleaseError("pyproject.toml: expected exactly one testpaths = [...] line")
    try:
        data = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise ReleaseError(f"pyproject.toml: the student version does not parse: {exc}") from None
    options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    if options.get("kit_impl") != "exercises" or options.get("testpaths") != testpaths:
        raise ReleaseError("pyproject.toml: could not switch kit_impl/testpaths in "
                           "[tool.pytest.ini_options]")
    return new


def exercise_table(names: list[str]) -> str:
    rows = []
    for chapter, title in CHAPTERS.items():
        members = [e for e in EXERCISES if e.chapter == chapter and e.name in names]
        if not members:
            continue
        rows.append(f"\n**Chapter {chapter} -- {title}**\n")
        rows.append("| exercise | topic | run its tests |")
        rows.append("|---|---|---|")
        for e in members:
            rows.append(f"| `exercises/{e.name}.py` | {e.title} | `python -m pytest -m {e.name}` |")
    return "\n".join(rows).strip() + "\n"


def student_readme(repo_root: Path, names: list[str]) -> str:
    template = repo_root / STUDENT_README
    if not template.is_file():
        raise ReleaseError(f"the student README template {STUDENT_README} is missing")
    text = template.read_text(encoding="utf-8")
    if "{{EXERCISES}}" not in text:
        raise ReleaseError(f"{STUDENT_README}: the template has no {{{{EXERCISES}}}} placeholder")
    example = "tokenization" if "tokenization" in names or not names else names[0]
    return text.replace("{{EXERCISES}}", exercise_table(names)).replace("{{EXAMPLE}}", example)


def _check_out_dir(out_dir: Path, repo_root: Path) -> Path:
    out_dir = out_dir.expanduser().resolve()
    repo = repo_root.resolve()
    if out_dir == repo or repo.is_relative_to(out_dir):
        raise ReleaseError(f"{out_dir}: the student copy cannot replace or contain the repository")
    for folder in [a.path for a in layout.AREAS if "/" not in a.path and (repo / a.path).is_dir()]:
        if out_dir.is_relative_to(repo / folder):
            raise ReleaseError(f"{out_dir}: do not put the student copy inside {folder}/")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ReleaseError(f"{out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            raise ReleaseError(f"{out_dir} exists, is not empty and is not an earlier student copy "
                               f"(no {MARKER} file): refusing to overwrite it")
    return out_dir


def build_copy(staging: Path, repo_root: Path) -> list[str]:
    """Write the student copy into ``staging``; the exercise names it holds."""
    for rel in shipped_files(repo_root):
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo_root / rel, target)
    names = [e.name for e in EXERCISES if (staging / "exercises" / f"{e.name}.py").is_file()]
    pyproject = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    (staging / "pyproject.toml").write_text(student_pyproject(pyproject, ["tests"]), encoding="utf-8")
    (staging / "README.md").write_text(student_readme(repo_root, names), encoding="utf-8")
    (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (staging / MARKER).write_text("A student copy made by `python -m graders release`. "
                                  "Safe to delete.\n", encoding="utf-8")
    return names


def release(out_dir: Path, *, repo_root: Path = REPO_ROOT, stream=sys.stdout) -> Path:
    """Build, check and install the student copy at ``out_dir``; returns its path."""
    repo_root = Path(repo_root).resolve()
    out_dir = _check_out_dir(Path(out_dir), repo_root)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kit-release-", dir=out_dir.parent))
    try:
        names = build_copy(staging, repo_root)
        secrets = collect_secrets(repo_root)
        scanned = scan_tree(staging)
        notes: list[Leak] = []
        leaks = find_leaks(scanned, secrets, notes)
        if leaks:
            raise ReleaseError(
                f"the student copy would leak instructor-only text ({len(leaks)} finding(s)); "
                f"nothing was written to {out_dir}:\n  - "
                + "\n  - ".join(leak.describe() for leak in leaks))
        _install(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    n_bodies = sum(len(s.bodies) for s in secrets.sources)
    n_lines = sum(len(s.lines) for s in secrets.sources)
    print(f"student copy: {out_dir}", file=stream)
    print(f"  {len(scanned)} files; exercises: {', '.join(names) or '(none)'}", file=stream)
    print(f"  leak check: OK -- {len(secrets.sources)} instructor-only files "
          f"({n_bodies} function bodies, {n_lines} distinctive lines) found nowhere in the copy",
          file=stream)
    for note in notes:
        print(f"  note (below the leak threshold, worth a look): {note.describe()}", file=stream)
    if secrets.given:
        print(f"  given complete in the stubs (identical to the reference, declared 'given'): "
              f"{', '.join(secrets.given)}", file=stream)
    return out_dir


def _install(staging: Path, out_dir: Path) -> None:
    """Put the checked copy in place: the old copy is only removed once the new one is in."""
    backup = None
    if out_dir.exists():
        backup = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        os.replace(out_dir, backup)
    try:
        os.replace(staging, out_dir)
    except OSError:
        if backup is not None:
            os.replace(backup, out_dir)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
