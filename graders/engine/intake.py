"""Submission formats -> the folder the engine grades (plain ``<exercise>.py`` files).

Each student's hand-in is turned into a private folder holding only regular
``*.py`` files (one per exercise, plus any helper modules next to them):

* a folder laid out like ``exercises/``, or holding ``exercises/`` (a GitHub Classroom
  or Gradescope repository, at most three levels down);
* a ``.zip`` of either (what the student README asks for);
* a Canvas bulk download: one zip, ``<name>_<userid>_<subid>_<file>.py`` per file
  (``_late_`` and ``-N`` resubmission suffixes: the latest wins), id = the Canvas user id;
* nbgrader's ``submitted/<student>/<assignment>/<exercise>.ipynb``: the student's code
  cells are read from the file with nbformat (never run here).

Everything from a student is hostile input. Nothing is ever written at a path taken
from an archive: the target is always ``<folder>/<module>.py``. Entries with absolute
paths or ``..``, symbolic links, devices and other non-regular files are ignored (and
noted); limits on entry count, total size, file size and compression ratio stop zip
bombs (sizes are counted while reading, not trusted from headers); folders are walked
without following symbolic links. A malformed hand-in gives that student an error
record (:class:`IntakeError`); the others are graded as usual.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kit.exercises import BY_NAME

from .roster import clean_id
from .submission import SubmissionError, check_source

MAX_ENTRIES = 5000              # entries in one archive / files walked in one folder
MAX_TOTAL = 64 * 1024 * 1024    # bytes read from one student
MAX_FILE = 4 * 1024 * 1024      # one module or notebook
MAX_RATIO = 200                 # uncompressed / compressed, for entries over 1 MiB
MAX_MODULES = 200
MAX_DEPTH = 3
BUILTINS = ("solutions", "exercises")
SKIP_DIRS = {"__MACOSX", "__pycache__", "node_modules", "tests", "graders", "solutions"}
_CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:late_|LATE_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
_RESUBMIT = re.compile(r"^(?P<stem>.+?)(?:-(?P<n>\d+))?(?P<ext>\.py|\.zip|\.ipynb)$")


class IntakeError(Exception):
    """This student's hand-in cannot be graded (the message says why, for the student)."""


@dataclass
class Submission:
    """One student's hand-in, before it is unpacked."""

    student: str
    source: str                      # what was handed in, for reports
    kind: str                        # builtin / folder / zip / canvas / nbgrader
    path: Path | None = None
    members: dict[str, str] = field(default_factory=dict)   # canvas: module -> zip member
    name: str = ""                   # a display name the format gives (Canvas, nbgrader)
    submitted_at: str = ""           # ISO time when the format records it


@dataclass
class Prepared:
    target: str                      # what run_one grades: a private folder or a builtin
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- discovery


def from_argument(argument: str) -> Submission:
    """``PATH`` or ``ID=PATH``: a folder, a .zip, ``solutions`` or ``exercises``."""
    student, path = None, argument
    if "=" in argument and not os.path.exists(argument):
        student, path = argument.split("=", 1)
        if not student:
            raise IntakeError(f"{argument}: empty student id before '='")
    if path in BUILTINS or (path.startswith("mutant:") and not os.path.exists(path)):
        # the kit's own folders (and catalogued mistakes), never a student's path
        return Submission(clean_id(student or path), path, "builtin")
    p = Path(path)
    if student is None:
        base = p if p.is_symlink() else (p.resolve() if p.exists() else p)
        student = base.parent.name if base.name == "exercises" else base.name
        student = student[:-4] if student.lower().endswith(".zip") else student
    kind = "zip" if p.suffix.lower() == ".zip" and not p.is_dir() else "folder"
    return Submission(clean_id(student), path, kind, p)


def from_folder(root: Path) -> list[Submission]:
    """``--by-folder ROOT``: each child (a folder or a .zip) is one student."""
    if not root.is_dir():
        raise IntakeError(f"--by-folder {root}: not a folder")
    found = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            found.append(Submission(clean_id(entry.name), str(Path(entry.path)), "folder", Path(entry.path)))
        elif entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(".zip"):
            found.append(Submission(clean_id(entry.name[:-4]), str(Path(entry.path)), "zip",
                                    Path(entry.path)))
    return found


def from_canvas(zip_path: Path) -> list[Submission]:
    """A Canvas bulk download: files ``<name>_[late_]<userid>_<subid>_<file>``."""
    best: dict[tuple[str, str], tuple[tuple[int, int], str]] = {}
    names: dict[str, str] = {}
    with _open_zip(zip_path) as zf:
        for info in _safe_infos(zf, [], where=str(zip_path)):
            base = PurePosixPath(info.filename).name
            match = _CANVAS.match(base)
            parts = match and _RESUBMIT.match(match["file"])
            if not parts:
                continue
            uid = match["uid"]
            names[uid] = match["name"]
            module = parts["stem"] if parts["ext"] == ".py" else f"*{parts['ext']}"
            rank = (int(match["sub"]), int(parts["n"] or 0))
            key = (uid, module)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, info.filename)
    students: dict[str, Submission] = {}
    for (uid, module), (_, member) in sorted(best.items()):
        sub = students.setdefault(uid, Submission(clean_id(uid), f"{zip_path}:{uid}", "canvas",
                                                  zip_path, name=names[uid]))
        sub.members[module] = member
    return list(students.values())


def from_nbgrader(submitted: Path) -> list[Submission]:
    """nbgrader's ``submitted/<student>/<assignment>/<exercise>.ipynb`` (or the course
    folder holding ``submitted/``)."""
    if (submitted / "submitted").is_dir():
        submitted = submitted / "submitted"
    if not submitted.is_dir():
        raise IntakeError(f"--nbgrader {submitted}: not a folder")
    found = []
    for entry in sorted(os.scandir(submitted), key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            found.append(Submission(clean_id(entry.name), str(Path(entry.path)), "nbgrader",
                                    Path(entry.path), submitted_at=_nbgrader_time(Path(entry.path))))
    return found


def _nbgrader_time(student_dir: Path) -> str:
    times = []
    for stamp in student_dir.glob("*/timestamp.txt"):
        if stamp.is_file() and not stamp.is_symlink() and stamp.stat().st_size < 200:
            times.append(stamp.read_text(encoding="utf-8", errors="replace").strip())
    return max(times) if times else ""


# --------------------------------------------------------------------------- unpacking


def prepare(sub: Submission, workdir: Path) -> Prepared:
    """Unpack ``sub`` into ``workdir/<student>/`` (never outside it)."""
    if sub.kind == "builtin":
        return Prepared(sub.source)
    target = workdir / sub.student
    target.mkdir(parents=True, exist_ok=False)
    notes: list[str] = []
    if sub.kind in ("folder", "zip"):
        try:
            check_source(sub.path)
        except SubmissionError as exc:
            raise IntakeError(str(exc)) from None
    if sub.kind == "folder":
        _from_tree(sub.path, target, notes)
    elif sub.kind == "zip":
        with _open_zip(sub.path) as zf:
            _from_zip(zf, target, notes, where=sub.path.name)
    elif sub.kind == "canvas":
        _from_canvas_members(sub, target, notes)
    elif sub.kind == "nbgrader":
        _from_notebooks(sub.path, target, notes)
    else:  # pragma: no cover
        raise IntakeError(f"unknown submission kind {sub.kind!r}")
    if not any(p.stem in BY_NAME for p in target.glob("*.py")):
        raise IntakeError(f"{_display(sub)}: no exercise file found (expected files such as "
                          "tokenization.py, in the top folder or in exercises/)"
                          + (f"; {'; '.join(notes[:5])}" if notes else ""))
    return Prepared(str(target), notes)


def _display(sub: Submission) -> str:
    return Path(sub.source).name if sub.kind in ("zip", "folder") else sub.source


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        if path.is_symlink() or not path.is_file():
            raise IntakeError(f"{path.name}: not a regular file")
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IntakeError(f"{path.name}: not a readable .zip ({exc}); hand in a zip of your "
                          "exercises/ folder") from None


def _unsafe_name(name: str) -> str | None:
    """Why an archive path may not be used (None when it is a plain relative path)."""
    if "\x00" in name:
        return "a NUL byte in the name"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        return "an absolute path"
    if ".." in PurePosixPath(normal).parts:
        return "a '..' in the path"
    return None


def _safe_infos(zf: zipfile.ZipFile, notes: list[str], *, where: str) -> list[zipfile.ZipInfo]:
    """The regular-file entries that may be read; the rest noted; limits checked."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise IntakeError(f"{where}: {len(infos)} entries in the archive (at most {MAX_ENTRIES})")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL * 16:
        raise IntakeError(f"{where}: the archive unpacks to {declared} bytes (a zip bomb?)")
    keep = []
    for info in infos:
        if info.is_dir():
            continue
        why = _unsafe_name(info.filename)
        mode = info.external_attr >> 16
        if why is None and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            why = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        if why is not None:
            notes.append(f"ignored {info.filename!r} in {where}: {why}")
            continue
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise IntakeError(f"{where}: {info.filename!r} is compressed {info.file_size // max(info.compress_size, 1)}"
                              f" times (a zip bomb?); at most {MAX_RATIO}")
        keep.append(info)
    return keep


class _Budget:
    def __init__(self, where: str):
        self.left, self.where = MAX_TOTAL, where

    def read(self, stream, name: str) -> bytes:
        data = stream.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise IntakeError(f"{self.where}: {name!r} is over {MAX_FILE // 1024 // 1024} MiB")
        self.left -= len(data)
        if self.left < 0:
            raise IntakeError(f"{self.where}: over {MAX_TOTAL // 1024 // 1024} MiB in all")
        return data


def _pick_folder(paths: list[PurePosixPath]) -> PurePosixPath | None:
    """The folder holding the most exercise modules (shallowest, then ``exercises/``)."""
    counts: dict[PurePosixPath, int] = {}
    for p in paths:
        if p.suffix == ".py" and p.stem in BY_NAME and len(p.parts) - 1 <= MAX_DEPTH + 1 \
                and not any(part in SKIP_DIRS or part.startswith(".") for part in p.parts[:-1]):
            counts[p.parent] = counts.get(p.parent, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], d.name == "exercises", -len(d.parts), str(d)))


def _module_name(name: str) -> bool:
    return name.endswith(".py") and name[:-3].isidentifier() and name.isascii()


def _write_module(target: Path, name: str, data: bytes) -> None:
    if len(list(target.iterdir())) >= MAX_MODULES:
        raise IntakeError(f"more than {MAX_MODULES} modules")
    # The name is a plain identifier + ".py" (checked): it cannot leave ``target``.
    fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _from_zip(zf: zipfile.ZipFile, target: Path, notes: list[str], *, where: str) -> None:
    infos = _safe_infos(zf, notes, where=where)
    by_path = {PurePosixPath(i.filename.replace("\\", "/")): i for i in infos}
    folder = _pick_folder(list(by_path))
    if folder is None:
        return
    budget = _Budget(where)
    for path, info in sorted(by_path.items()):
        if path.parent == folder and _module_name(path.name):
            try:
                with zf.open(info) as stream:
                    data = budget.read(stream, info.filename)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError,
                    RuntimeError, EOFError) as exc:  # bad CRC, encrypted, unknown method, ...
                raise IntakeError(f"{where}: cannot read {info.filename!r} ({exc})") from None
            _write_module(target, path.name, data)


def _walk(root: Path, links: list | None = None) -> list[PurePosixPath]:
    """Relative paths of regular files under ``root`` (no symlinks followed, bounded); the
    symbolic links met are added to ``links``."""
    found: list[PurePosixPath] = []
    stack = [(root, PurePosixPath())]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if len(found) >= MAX_ENTRIES:
                raise IntakeError(f"{root.name}: more than {MAX_ENTRIES} files")
            if entry.is_symlink():
                if links is not None:
                    links.append(rel / entry.name)
                continue
            if entry.is_dir(follow_symlinks=False):
                if len(rel.parts) < MAX_DEPTH and entry.name not in SKIP_DIRS \
                        and not entry.name.startswith("."):
                    stack.append((Path(entry.path), rel / entry.name))
            elif entry.is_file(follow_symlinks=False):
                found.append(rel / entry.name)
    return found


def _from_tree(root: Path, target: Path, notes: list[str]) -> None:
    if root is None or root.is_symlink() or not root.is_dir():
        raise IntakeError(f"{root}: not a folder")
    links: list = []
    paths = _walk(root, links)
    notes.extend(f"ignored {link}: a symbolic link" for link in links)
    folder = _pick_folder(paths)
    if folder is None:
        return
    budget = _Budget(root.name)
    for path in sorted(paths):
        if path.parent == folder and _module_name(path.name):
            full = root / path
            try:
                fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError as exc:
                notes.append(f"ignored {path}: {exc.strerror}")
                continue
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    notes.append(f"ignored {path}: not a regular file")
                    continue
                _write_module(target, path.name, budget.read(fh, str(path)))


def _from_canvas_members(sub: Submission, target: Path, notes: list[str]) -> None:
    where = Path(sub.source).name
    with _open_zip(sub.path) as zf:
        budget = _Budget(where)
        for module, member in sorted(sub.members.items()):
            with zf.open(member) as stream:
                data = budget.read(stream, member)
            if module == "*.zip":  # the student uploaded a zip: unpack it the same way
                try:
                    inner = zipfile.ZipFile(io.BytesIO(data))
                except zipfile.BadZipFile as exc:
                    raise IntakeError(f"{PurePosixPath(member).name}: not a readable .zip ({exc})") from None
                with inner:
                    _from_zip(inner, target, notes, where=PurePosixPath(member).name)
            elif module == "*.ipynb":
                notes.append(f"ignored {member}: a notebook (hand in .py files or use --nbgrader)")
            elif _module_name(module + ".py") and not (target / f"{module}.py").exists():
                _write_module(target, module + ".py", data)
            else:
                notes.append(f"ignored {member}: not a module name")


def _from_notebooks(student_dir: Path, target: Path, notes: list[str]) -> None:
    notebooks = []
    for assignment in sorted(os.scandir(student_dir), key=lambda e: e.name):
        if assignment.is_dir(follow_symlinks=False):
            for entry in sorted(os.scandir(assignment.path), key=lambda e: e.name):
                if entry.name.endswith(".ipynb") and entry.is_file(follow_symlinks=False) \
                        and entry.name[:-6] in BY_NAME:
                    notebooks.append(Path(entry.path))
    budget = _Budget(student_dir.name)
    for path in notebooks:
        exercise = path.stem
        if (target / f"{exercise}.py").exists():
            notes.append(f"ignored {path.parent.name}/{path.name}: {exercise} was already handed in")
            continue
        with open(path, "rb") as fh:
            data = budget.read(fh, path.name)
        _write_module(target, f"{exercise}.py", notebook_code(data, path.name).encode("utf-8"))


_KIT_ROLES = ("given", "imports", "helpers", "solution")


def notebook_code(data: bytes, where: str) -> str:
    """The module a notebook defines: its code cells (the kit's roles when tagged, else
    every cell except nbgrader's locked test cells), IPython magics and shell lines dropped."""
    import nbformat

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any malformed notebook is the student's error
        raise IntakeError(f"{where}: not a readable notebook ({type(exc).__name__}: {exc})"[:500]) from None
    cells = [c for c in nb.cells if c.get("cell_type") == "code"]
    tagged = [c for c in cells if c.get("metadata", {}).get("kit", {}).get("role")]
    if tagged:
        cells = [c for c in tagged if c["metadata"]["kit"]["role"] in _KIT_ROLES]
    else:
        cells = [c for c in cells if not (c.get("metadata", {}).get("nbgrader", {}).get("grade")
                                          and not c["metadata"]["nbgrader"].get("solution"))]
    chunks = [f"# {where}: code cells read by the grader (the notebook was not run)\n"]
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        chunks.append("\n".join(line for line in source.splitlines()
                                if not line.lstrip().startswith(("%", "!"))))
    return "\n\n".join(chunks) + "\n"
