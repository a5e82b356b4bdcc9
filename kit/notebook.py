"""Running the kit's tests from a Jupyter notebook (the nbgrader course).

An exercise notebook is the exercise module cut into cells: the functions a student
writes live in the notebook's own namespace. The kit's tests reach them through the
same value boundary as always (:mod:`kit.remote`), with the notebook's namespace as
the module under test:

* :func:`check` -- the public tests (``tests/test_<exercise>.py`` next to the
  notebook): a points table and what failed, never an exception;
* :func:`grade` -- one hidden grader test function (``graders/test_<exercise>.py``
  of the course's ``grading/`` folder), used by the locked autograder cells when
  nbgrader grades a notebook. It prints what failed (never the hidden expected
  values) and returns the points earned, which nbgrader reads as partial credit;
  with no point earned it raises, so the cell scores zero;
* :func:`sibling` -- another exercise, for a module that uses one (a transformer
  block uses ``attention``): the notebook form of ``from .attention import ...``.

Which sibling is used: while the course is graded (``grading/`` is found: nbgrader's
configuration names it, or it is a folder above the notebook), the instructor's
reference solution, so that each notebook is graded on its own exercise; while a
student works, the student's own notebook of that exercise (in the same folder or
in another assignment folder next to it), else ``exercises/<name>.py`` of the kit.

Notebook tests run in the kernel's own process (nbgrader's model): a notebook is
not sandboxed. Grade untrusted code with ``python -m graders grade``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any

import pytest

GRADING_ENV = "KIT_NBGRADER_GRADING"
GRADING_DIR = "grading"
MAX_MESSAGE = 1500
_SIBLINGS: dict[str, types.ModuleType] = {}


class NoPointsEarned(AssertionError):
    """No hidden test of this cell passed (the cell scores zero)."""


# --------------------------------------------------------------------------- where things are


def grading_dir() -> Path | None:
    """The course's ``grading/`` folder (hidden tests, reference siblings), if reachable."""
    env = os.environ.get(GRADING_ENV)
    if env and (Path(env) / "graders").is_dir():
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / GRADING_DIR
        if (candidate / "graders").is_dir() and (candidate / "pytest.ini").is_file():
            return candidate
    return None


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
    """Another exercise's module: ``MultiHeadAttention = sibling("attention").MultiHeadAttention``."""
    from .exercises import BY_NAME

    if exercise not in BY_NAME:
        raise ValueError(f"unknown exercise {exercise!r}; known: {', '.join(BY_NAME)}")
    grading = grading_dir()
    if grading is not None and (grading / "solutions" / f"{exercise}.py").is_file():
        from .loader import import_exercise, resolve

        return import_exercise(resolve(str(grading / "solutions")), exercise)
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


def _module_from_notebook(path: Path, exercise: str) -> types.ModuleType:
    """Run the code cells of ``path`` that define the module (not its tests) in a module."""
    key = f"{path.resolve()}:{path.stat().st_mtime_ns}"
    if key in _SIBLINGS:
        return _SIBLINGS[key]
    nb = json.loads(path.read_text(encoding="utf-8"))
    module = types.ModuleType(f"kit_notebook_{exercise}")
    module.__file__ = str(path)
    _SIBLINGS[key] = module
    try:
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            role = cell.get("metadata", {}).get("kit", {}).get("role")
            if role not in ("given", "imports", "helpers", "solution"):
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            source = "\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102
    except BaseException:
        _SIBLINGS.pop(key, None)
        raise
    return module


# --------------------------------------------------------------------------- running tests


def _session_factory(exercise: str, module: types.ModuleType):
    from .remote import LocalSession

    class NotebookSession(LocalSession):
        """The notebook's namespace is the exercise; other exercises are its siblings."""

        def import_module(self, name: str):
            target = module if name == exercise else sibling(name)
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

    @pytest.hookimpl(hookwrapper=True)
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


def grade(exercise: str, test: str, namespace: dict[str, Any]) -> float:
    """Run the hidden grader test ``test`` of ``exercise``; the points earned (nbgrader's
    partial credit). Raises :class:`NoPointsEarned` when none was earned."""
    grading = grading_dir()
    if grading is None:
        raise RuntimeError(f"the hidden tests are not available here (no {GRADING_DIR}/ folder; "
                           f"nbgrader's configuration sets {GRADING_ENV})")
    graders = grading / "graders" / f"test_{exercise}.py"
    siblings = grading / "solutions"
    if not siblings.is_dir():
        siblings = grading
    code, records, log = _run(exercise, namespace, f"{graders}::{test}",
                              ini=str(grading / "pytest.ini"), rootdir=grading, impl_dir=siblings)
    if code not in (0, 1) or not records:
        log_file = Path.cwd() / f"kit-grading-{exercise}-{test}.log"
        with contextlib.suppress(OSError):
            log_file.write_text(log, encoding="utf-8")
        raise RuntimeError(f"{test}: the hidden tests could not run (pytest exit code {code}); "
                           f"a problem of the course set-up, not of your code; log: {log_file.name}")
    earned, possible = _report(test, records)
    if earned == 0:
        raise NoPointsEarned(f"{test}: 0 / {possible} points")
    return float(earned)
