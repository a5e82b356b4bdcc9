"""A submission, as the trusted side handles it: a private copy of plain files.

The engine never grades a student's folder in place. :func:`private_copy` copies the
regular ``<exercise>.py`` files of a submission into a fresh folder that only the
grader controls -- each opened without following links, size-capped -- and lists
everything it left out. Only that copy is graded, and its path reaches pytest through
the environment, never as a command-line argument (pytest would treat an argument as
a test path and import a ``conftest.py`` next to it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from kit.boundary.sanitize import clean_line, clean_text
from kit.exercises import BY_NAME
from kit.loader import BUILTIN_IMPLS, REPO_ROOT

from . import config


class SubmissionError(Exception):
    """This submission cannot be graded (the message says why, for its row only)."""


@dataclass
class CopiedSubmission:
    directory: Path                       # the private copy
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)   # "name (why)"


#: The one place inside the kit's checkout that hand-ins may come from: the sample class.
SAMPLE_HAND_INS = REPO_ROOT / "examples"


def check_source(path: Path) -> None:
    """A hand-in is never a symbolic link, and never resolves into the kit's checkout (its
    references, its graders) -- except the sample class in ``examples/``."""
    shown = clean_text(str(path), 300)
    if path.is_symlink():
        raise SubmissionError(f"{shown}: is a symbolic link; hand in a folder or a zip")
    resolved = path.resolve()
    inside = resolved == REPO_ROOT or REPO_ROOT in resolved.parents
    if inside and SAMPLE_HAND_INS not in resolved.parents:
        raise SubmissionError(f"{shown}: is inside the kit's checkout ({REPO_ROOT}); "
                              "grade submissions from a folder outside it")


def source_folder(submission: str) -> Path:
    """The folder a submission names: ``solutions``/``exercises`` (the kit's own) or a
    path (see :func:`check_source`)."""
    if submission in BUILTIN_IMPLS:
        return REPO_ROOT / submission
    path = Path(submission).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    check_source(path)
    if not path.resolve().is_dir():
        raise SubmissionError(f"{clean_text(submission, 300)}: is not a folder")
    return path


def read_exercise_files(source: Path, exercises: Collection[str] | None = BY_NAME,
                        ) -> tuple[dict[str, bytes], list[str]]:
    """The regular ``<exercise>.py`` files of the folder ``source`` -- each opened without
    following links or blocking, size-capped -- by name, and what was left out
    (``"name (why)"``). ``exercises``: the module names taken (None: any Python module
    name). Raises :class:`SubmissionError` if ``source`` is not a folder one can open (a
    symbolic link to one included)."""
    files: dict[str, bytes] = {}
    ignored: list[str] = []
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)
    try:
        dir_fd = os.open(source, flags)
    except OSError as exc:
        raise SubmissionError(f"cannot open the submission folder: {exc.strerror}") from None
    try:
        for name in sorted(os.listdir(dir_fd)):
            shown = clean_line(name, 120)
            stem = name[:-3] if name.endswith(".py") else ""
            if not (stem.isidentifier() if exercises is None else stem in exercises):
                ignored.append(f"{shown} (not an exercise file)")
                continue
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
            except OSError as exc:
                ignored.append(f"{shown} ({'a symbolic link' if exc.errno == 40 else exc.strerror})")
                continue
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    ignored.append(f"{shown} (not a regular file)")
                    continue
                data = os.read(fd, config.SUBMISSION_FILE_BYTES + 1)
                if info.st_size > config.SUBMISSION_FILE_BYTES or len(data) > config.SUBMISSION_FILE_BYTES:
                    ignored.append(f"{shown} (over {config.SUBMISSION_FILE_BYTES} bytes)")
                    continue
            finally:
                os.close(fd)
            files[name] = data
    finally:
        os.close(dir_fd)
    return files, ignored


def private_copy(source: Path, target: Path) -> CopiedSubmission:
    """Copy the regular ``<exercise>.py`` files of ``source`` into ``target`` (created)."""
    target.mkdir(parents=True, exist_ok=False)
    files, ignored = read_exercise_files(source)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return CopiedSubmission(directory=target, files=list(files), ignored=ignored)
