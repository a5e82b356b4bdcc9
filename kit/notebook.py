"""The kit inside a Jupyter notebook (the nbgrader course).

An exercise notebook is the exercise module cut into cells: the functions a student
writes live in the notebook's own namespace.

* :func:`check` -- the public tests (``tests/test_<exercise>.py`` next to the
  notebook) on the notebook's functions, through the same value boundary as always
  (:mod:`kit.remote`): a points table and what failed, never an exception;
* :func:`sibling` -- another exercise, for a module that uses one (a transformer
  block uses ``attention``): the notebook form of ``from .attention import ...``.
  While a student works it is the student's own notebook of that exercise (in the
  same folder or an assignment folder next to it), else the kit's stub -- never a
  reference solution. Inside a package (a graded submission) it is the module of the
  same package, exactly what ``from .attention import ...`` imports;
* :func:`module_source` -- the exercise module a notebook stands for: the code of its
  module cells, in order. Graded notebooks become this module, and the kit's
  sandboxed engine grades it (:mod:`graders.build.nbgrader.preprocessor`): no hidden test
  ever runs in a notebook's kernel, and nothing here can reach one.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any

from pluggy import HookimplMarker  # pytest's own marker, without importing pytest

MAX_MESSAGE = 1500
# Cells that are not part of the exercise module (what the notebook runs, not defines).
NOT_MODULE = frozenset({"intro", "setup", "scratch", "check", "test", "text", "task"})
PRELUDE = "from kit.notebook import sibling  # the set-up cell's import (added by the kit)\n"
_SIBLINGS: dict[str, types.ModuleType] = {}


# --------------------------------------------------------------------------- where things are


def _kit_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _public_tests(exercise: str) -> Path | None:
    for folder in (Path.cwd() / "tests", _kit_root() / "tests"):
        path = folder / f"test_{exercise}.py"
        if path.is_file():
            return path
    return None


# --------------------------------------------------------------------------- set-up


def prepare() -> None:
    """What the kit's pytest plugin does before any exercise code is defined.

    Deterministic matrix products (no TF32), and Triton's interpreter when there is
    no CUDA GPU (it must be on before a kernel is defined, i.e. before the cells run).
    """
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if importlib.util.find_spec("triton") is not None and not torch.cuda.is_available():
        os.environ.setdefault("TRITON_INTERPRET", "1")


# --------------------------------------------------------------------------- siblings


def sibling(exercise: str) -> types.ModuleType:
    """Another exercise's module: ``MultiHeadAttention = sibling("attention").MultiHeadAttention``.

    Called from a module of a package (a graded submission, where each notebook became
    ``<exercise>.py``): that package's ``<exercise>`` module -- the same student's. Else
    (a notebook's kernel) the student's own notebook of that exercise, else the kit's
    stub. Never a reference solution.
    """
    from .exercises import BY_NAME

    package, _, caller = str(sys._getframe(1).f_globals.get("__name__", "")).rpartition(".")
    return _sibling(exercise, package if package and caller in BY_NAME else None)


def _sibling(exercise: str, package: str | None = None) -> types.ModuleType:
    """``exercise`` of the implementation ``package``, else of the notebooks around (a kernel)."""
    from .exercises import BY_NAME

    if exercise not in BY_NAME:
        raise ValueError(f"exercise: unknown exercise {exercise!r}; known: {', '.join(BY_NAME)}")
    if package:
        return importlib.import_module(f"{package}.{exercise}")
    notebook = _sibling_notebook(exercise)
    if notebook is not None:
        return _module_from_notebook(notebook, exercise)
    stub = _kit_root() / "exercises" / f"{exercise}.py"
    if stub.is_file():
        from .loader import import_exercise, resolve

        return import_exercise(resolve("exercises", _kit_root()), exercise)
    raise ImportError(f"this exercise uses {exercise!r}: open and complete {exercise}.ipynb "
                      "(it is loaded from there, from this folder or an assignment folder next "
                      "to it)")


def _sibling_notebook(exercise: str) -> Path | None:
    here = Path.cwd()
    candidates = [here / f"{exercise}.ipynb", *sorted(here.parent.glob(f"*/{exercise}.ipynb"))]
    return next((p for p in candidates if p.is_file()), None)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def module_source(nb: dict) -> str:
    """The exercise module that notebook ``nb`` stands for: its module cells' code, in order.

    Module cells: every code cell but the set-up, scratch, check and graded cells (by the
    kit's ``metadata.kit.role``; a cell the student added belongs to the module, like the
    *Helpers* cell). IPython's ``%magic`` and ``!shell`` lines are dropped; the
    ``from __future__`` imports, then the set-up cell's ``sibling`` import come first.
    """
    future, parts = [], [PRELUDE]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata", {})
        kit = metadata.get("kit") if isinstance(metadata.get("kit"), dict) else {}
        nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        if kit.get("role") in NOT_MODULE or nbgrader.get("grade"):
            continue
        lines = [line for line in _source(cell).splitlines()
                 if not line.lstrip().startswith(("%", "!"))]
        future += [line for line in lines if line.startswith("from __future__ import")]
        lines = [line for line in lines if not line.startswith("from __future__ import")]
        parts.append("\n".join(lines).strip("\n") + "\n")
    return "".join(f"{line}\n" for line in dict.fromkeys(future)) + "\n\n".join(parts)


def _module_from_notebook(path: Path, exercise: str) -> types.ModuleType:
    """The module of notebook ``path`` (:func:`module_source`), run once per saved version."""
    key = f"{path.resolve()}:{path.stat().st_mtime_ns}"
    if key in _SIBLINGS:
        return _SIBLINGS[key]
    source = module_source(json.loads(path.read_text(encoding="utf-8")))
    module = types.ModuleType(f"kit_notebook_{exercise}")
    module.__file__ = str(path)
    _SIBLINGS[key] = module
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102
    except BaseException:
        _SIBLINGS.pop(key, None)
        raise
    return module


def graded_by_the_kit(test: str) -> None:
    """What a graded cell does in a kernel: nothing but say how it is graded.

    The kit grades these cells outside the notebook (nbgrader's ``Execute`` step is
    replaced by the kit's). Should a misconfigured course run them while autograding,
    they fail -- zero points, never points for an ungraded notebook.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise RuntimeError(f"{test}: graded by the kit's engine, not in a kernel; the course's "
                           "nbgrader_config.py did not load (see nbgrader's log)")
    print(f"{test}: graded by the kit outside this notebook when you submit it")


# --------------------------------------------------------------------------- running tests


def _session_factory(exercise: str, module: types.ModuleType):
    from .remote import LocalSession

    class NotebookSession(LocalSession):
        """The notebook's namespace is the exercise; other exercises are its siblings."""

        def import_module(self, name: str):
            target = module if name == exercise else _sibling(name)
            return self._remote(self._make_handle(target))

    return NotebookSession


def _namespace_module(exercise: str, namespace: dict) -> types.ModuleType:
    module = types.ModuleType(f"kit_notebook_{exercise}")
    module.__dict__.update(namespace)
    module.__name__ = f"kit_notebook_{exercise}"
    return module


def _student_frames(tb) -> str:
    lines = []
    for entry in traceback.extract_tb(tb):
        name = entry.filename
        if "ipykernel_" in name or name.startswith("<ipython-input") or name.endswith(".ipynb"):
            lines.append(f"    line {entry.lineno}, in {entry.name}: {(entry.line or '').strip()}")
    return "\n".join(lines[-4:])


def _message(excinfo) -> str:
    exc = excinfo.value
    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, NotImplementedError):
        return f"not implemented yet: {text}"
    if isinstance(exc, AssertionError):
        return text or "a check failed"
    if name == "Failed":
        return text
    if name == "ImplementationError":
        return f"could not load the exercise: {text}"
    frames = _student_frames(excinfo.tb)
    return f"your code raised {name}: {text}" + (f"\n{frames}" if frames else "")


class _Collector:
    """A pytest plugin: the notebook's session, and one record per test."""

    def __init__(self, factory):
        self.factory = factory
        self.records: dict[str, dict] = {}
        self.interrupted = False

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        self.interrupted = excinfo.errisinstance(KeyboardInterrupt)

    def pytest_configure(self, config) -> None:
        from .pytest_plugin import set_session_factory

        set_session_factory(config, self.factory)

    @HookimplMarker("pytest")(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        from .pytest_plugin import points_of

        outcome = yield
        report = outcome.get_result()
        record = self.records.setdefault(item.nodeid, {
            "name": item.name, "points": points_of(item), "outcome": "passed", "message": ""})
        if report.skipped and record["outcome"] == "passed":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            record["outcome"] = "skipped"
            record["message"] = f"skipped: {reason.removeprefix('Skipped: ')}"
        elif report.failed and record["outcome"] != "failed":
            record["outcome"] = "failed"
            message = _message(call.excinfo) if call.excinfo is not None else "failed"
            if report.when != "call":
                message = f"({report.when}) {message}"
            record["message"] = message[:MAX_MESSAGE]


_INI: list[str] = []


def _plain_ini() -> str:
    if not _INI:
        folder = tempfile.mkdtemp(prefix="kit-notebook-")
        path = os.path.join(folder, "pytest.ini")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("[pytest]\npython_files = test_*.py\n")
        _INI.append(path)
    return _INI[0]


def _run(exercise: str, namespace: dict, target: str, *, ini: str, rootdir: Path,
         impl_dir: Path) -> tuple[int, dict[str, dict], str]:
    """Run ``target`` (a test file or node id) against the notebook; (exit code, records, log).

    A ``KeyboardInterrupt`` (the kernel interrupted at the cell's time limit) is raised
    again once pytest has cleaned up, so that the cell fails.
    """
    module = _namespace_module(exercise, namespace)
    collector = _Collector(_session_factory(exercise, module))
    args = [target, "-c", ini, "--rootdir", str(rootdir), "-p", "kit.pytest_plugin",
            "-p", "no:cacheprovider", "-p", "no:faulthandler", "-p", "no:randomly",
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--assert=plain", "--no-points", "-q", "--impl", str(impl_dir), "-W", "ignore"]
    import pytest

    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        code = pytest.main(args, plugins=[collector])
    if collector.interrupted:
        raise KeyboardInterrupt(f"{target.rsplit('::', 1)[-1]}: interrupted (over the time limit?)")
    return int(code), collector.records, log.getvalue()


def _report(title: str, records: dict[str, dict]) -> tuple[int, int]:
    earned = sum(r["points"] for r in records.values() if r["outcome"] == "passed")
    possible = sum(r["points"] for r in records.values())
    passed = sum(r["outcome"] == "passed" for r in records.values())
    print(f"{title}: {earned} / {possible} points ({passed} of {len(records)} test(s) passed)")
    missed = [r for r in records.values() if r["outcome"] != "passed"]
    if len(missed) > 1 and len({(r["outcome"], r["message"]) for r in missed}) == 1:
        word = "SKIPPED" if missed[0]["outcome"] == "skipped" else "FAILED"
        print(f"  {word} all {len(missed)} cases:")
        for line in (missed[0]["message"] or "failed").splitlines()[:12]:
            print(f"      {line}")
        return earned, possible
    for record in missed:
        word = "SKIPPED" if record["outcome"] == "skipped" else "FAILED"
        print(f"  {word} {record['name']} ({record['points']} pt)")
        for line in (record["message"] or "failed").splitlines()[:12]:
            print(f"      {line}")
    return earned, possible


def check(exercise: str, namespace: dict[str, Any]) -> None:
    """Run the public tests of ``exercise`` against this notebook and print the result."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        print("(the public tests are not run while the notebook is graded)")
        return
    tests = _public_tests(exercise)
    if tests is None:
        print(f"no public tests found for {exercise} (tests/test_{exercise}.py next to the notebook)")
        return
    try:
        code, records, log = _run(exercise, namespace, str(tests), ini=_plain_ini(),
                                  rootdir=tests.parent.parent, impl_dir=Path.cwd())
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a check cell reports, it never stops the notebook
        print(f"the public tests could not run: {type(exc).__name__}: {exc}")
        return
    if not records:
        print(f"the public tests could not run (pytest exit code {code}):\n{log[-3000:]}")
        return
    _report(f"public tests of {exercise}", records)
