"""Wrong implementations as exact edits of correct code (not a mutant itself).

Most catalogued mistakes differ from the reference by a line or two. Writing the mistake
as a text edit of ``solutions/<exercise>.py`` keeps the mutant file down to that mistake,
and the rest of the module -- input checks, helpers, other functions -- is the reference's,
so it cannot drift from it::

    \"\"\"Zeroes the largest-magnitude weights instead of the smallest.\"\"\"
    from graders.mutants._edits import edited_solution

    globals().update(edited_solution("compression", ("largest=False", "largest=True")))

Every ``old`` text must occur exactly once (so a change to the reference cannot silently
turn a mutant into the right code or into another mistake). The edited module is written
to a file (Triton compiles kernels from their source file) named by a hash of its text,
and imported inside the ``solutions`` package, so its relative imports (``from .attention
import ...``) reach the reference modules.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import sys
import tempfile
import types
from pathlib import Path

from kit.loader import import_file

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(tempfile.gettempdir()) / "kit-mutants"


def apply_edits(source: str, edits, what: str) -> str:
    """``source`` with each ``(old, new)`` replacement; each ``old`` must occur once."""
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"edit expects {old!r} once in {what}, found {count}")
        source = source.replace(old, new)
    return source


def import_source(package: str, stem: str, source: str, folder: Path | None = None) -> types.ModuleType:
    """Import ``source`` as ``<package>.<stem>_<hash>`` from a file under ``folder``.

    Written atomically (parallel self-checks share the folder); imported once per process.
    """
    folder = folder or BUILD / package
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{stem}_{hashlib.sha1(source.encode()).hexdigest()[:16]}"
    write_module(folder / f"{name}.py", source)
    full = f"{package}.{name}"
    if full in sys.modules:
        return sys.modules[full]
    importlib.import_module(package)
    return import_file(full, folder / f"{name}.py")


def write_module(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


def names_of(module: types.ModuleType) -> dict:
    """A module's names for a mutant's ``globals().update(...)`` (not its dunders)."""
    return {name: value for name, value in vars(module).items() if not name.startswith("__")}


def edited_solution(exercise: str, *edits: tuple[str, str]) -> dict:
    """The names of ``solutions/<exercise>.py`` with each exact edit applied."""
    path = ROOT / "solutions" / f"{exercise}.py"
    source = apply_edits(path.read_text(encoding="utf-8"), edits, f"solutions/{exercise}.py")
    return names_of(import_source("solutions", f"_mutant_{exercise}", source))
