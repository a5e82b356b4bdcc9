"""The kit's pytest plugin: which implementation is tested, markers, points.

Loaded by the repository's ``conftest.py``. It adds

* ``--impl {exercises,solutions,PATH}`` (or ``KIT_IMPL``, or the ``kit_impl`` ini
  value) -- the implementation under test;
* ``--exercise NAME`` -- run only that exercise's tests (repeatable);
* the markers ``points(n)``, ``gpu``, ``perf``, ``pretrained``, ``triton``, ``slow``,
  ``exercise(name)`` and one marker per exercise (``pytest -m attention``);
* the fixtures ``impl`` (the module under test for this test file) and
  ``load_impl`` (any exercise of the same implementation);
* a points table per exercise at the end of the run.

A test file ``test_<exercise>.py`` in ``tests/`` or ``graders/`` belongs to that
exercise; every test in it must carry ``@pytest.mark.points(n)``.
"""

from __future__ import annotations

import importlib.util
import os
import platform
from collections import defaultdict
from pathlib import Path

import pytest

from . import checks, layout
from .boundary.session import LocalSession, Session
from .exercises import BY_NAME, EXERCISES, exercise_of_test_file
from .loader import ImplementationError, ImplSpec, default_spec_from_env, resolve
from .remote import ModuleProxy

SPEC_KEY = pytest.StashKey[ImplSpec]()
SESSIONS_KEY = pytest.StashKey[dict]()
FACTORY_KEY = pytest.StashKey[object]()
RESULTS_KEY = pytest.StashKey[dict]()

MARKERS = {
    "points(n)": "points this test is worth (every exercise test has one)",
    "gpu": "needs a CUDA GPU; skipped with a reason without one",
    "perf": "a throughput check against a reference measured in the same run (implies gpu "
            "unless marked perf(cpu=True))",
    "pretrained": "needs the pretrained extra (offline sentence encoder); skipped without it",
    "triton": "needs Triton (the kernels extra, Linux only); skipped without it",
    "slow": "takes over ~5 s on a 2-core machine; still run in CI",
    "feedback": "advice worth no points: a property measured where the student's code runs "
                "(operation counts, saved tensors), which a determined student could fake",
    "exercise(name)": "the exercise this test belongs to (added from the file name)",
}


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kit", "LLM concepts kit")
    group.addoption("--impl", default=None, metavar="IMPL",
                    help="implementation under test: exercises, solutions or a folder laid out "
                         "like exercises/ (default: $KIT_IMPL, else the kit_impl ini value)")
    group.addoption("--exercise", action="append", default=[], metavar="NAME",
                    help="run only this exercise's tests (repeatable)")
    group.addoption("--no-points", action="store_true", help="do not print the points table")
    parser.addini("kit_impl", "default implementation under test", default="exercises")


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    for exercise in EXERCISES:
        config.addinivalue_line("markers", f"{exercise.name}: tests of the {exercise.name} "
                                           f"exercise (chapter {exercise.chapter})")
    unknown = [e for e in config.getoption("exercise") if e not in BY_NAME]
    if unknown:
        raise pytest.UsageError(f"--exercise: unknown exercise(s) {unknown}; known: "
                                f"{', '.join(BY_NAME)}")
    choice = config.getoption("impl") or default_spec_from_env() or config.getini("kit_impl")
    try:
        config.stash[SPEC_KEY] = resolve(choice, Path(str(config.rootpath)))
    except ImplementationError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SESSIONS_KEY] = {}
    config.stash.setdefault(FACTORY_KEY, LocalSession)
    config.stash[RESULTS_KEY] = {}
    _deterministic_torch()
    if not _gpu_available():
        # Triton kernels run on CPU tensors through Triton's interpreter; it must be on
        # before any kernel is defined (i.e. before an exercise module is imported).
        os.environ.setdefault("TRITON_INTERPRET", "1")


def _deterministic_torch() -> None:
    try:
        import torch
    except ImportError:  # pragma: no cover
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if not torch.cuda.is_available():
        # The tests' tensors are small: one thread is faster than several fighting over the
        # cores (a 2-core CI machine, a worker process beside this one). KIT_TORCH_THREADS=n.
        torch.set_num_threads(int(os.environ.get("KIT_TORCH_THREADS", "1")))


def set_session_factory(config: pytest.Config, factory) -> None:
    """Let another plugin (the grading engine) run implementations elsewhere."""
    config.stash[FACTORY_KEY] = factory


def get_session(config: pytest.Config, spec: ImplSpec) -> Session:
    sessions = config.stash[SESSIONS_KEY]
    if spec.label not in sessions:
        sessions[spec.label] = config.stash[FACTORY_KEY](spec)
    return sessions[spec.label]


def pytest_unconfigure(config: pytest.Config) -> None:
    for session in config.stash.get(SESSIONS_KEY, {}).values():
        session.close()


# --------------------------------------------------------------------------- collection


def _exercise_of(item: pytest.Item) -> str | None:
    return exercise_of_test_file(str(item.path.name))


def _gpu_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover
        return False
    return torch.cuda.is_available()


def _triton_available() -> bool:
    return platform.system() == "Linux" and importlib.util.find_spec("triton") is not None


def points_of(item: pytest.Item) -> int:
    marker = item.get_closest_marker("points")
    return int(marker.args[0]) if marker is not None else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from . import pretrained

    wanted = set(config.getoption("exercise"))
    keep, drop = [], []
    no_gpu = not _gpu_available()
    no_pretrained = not pretrained.available()
    no_triton = not _triton_available()
    problems = []
    for item in items:
        exercise = _exercise_of(item)
        if exercise is None:
            if wanted:
                drop.append(item)
            else:
                keep.append(item)
            continue
        if wanted and exercise not in wanted:
            drop.append(item)
            continue
        item.add_marker(pytest.mark.exercise(exercise))
        item.add_marker(getattr(pytest.mark, exercise))
        marker = item.get_closest_marker("points")
        feedback = item.get_closest_marker("feedback") is not None
        if feedback:
            if marker is not None:
                problems.append(f"{item.nodeid} (a feedback test is worth no points)")
        elif marker is None or len(marker.args) != 1 or type(marker.args[0]) is not int \
                or marker.args[0] < 1:
            problems.append(item.nodeid)
        perf = item.get_closest_marker("perf")
        needs_gpu = item.get_closest_marker("gpu") is not None or (
            perf is not None and not perf.kwargs.get("cpu", False))
        if needs_gpu and no_gpu:
            item.add_marker(pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() "
                                                    "is False); runs where one is present"))
        if item.get_closest_marker("pretrained") is not None and no_pretrained:
            item.add_marker(pytest.mark.skip(reason=pretrained.MISSING_REASON))
        if item.get_closest_marker("triton") is not None and no_triton:
            item.add_marker(pytest.mark.skip(reason="needs Triton (pip install -e '.[kernels]', "
                                                    "Linux only)"))
        keep.append(item)
    if problems:
        raise pytest.UsageError("every exercise test needs @pytest.mark.points(n) with a positive "
                                "int n, or @pytest.mark.feedback (no points); wrong on:\n  "
                                + "\n  ".join(problems))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def kit_impl_spec(request: pytest.FixtureRequest) -> ImplSpec:
    """The implementation under test (parametrized over many by the self-check)."""
    return request.config.stash[SPEC_KEY]


@pytest.fixture(scope="module")
def impl(request: pytest.FixtureRequest, kit_impl_spec: ImplSpec) -> ModuleProxy:
    """The exercise module under test, for a ``test_<exercise>.py`` file.

    Use it like the module: ``impl.tokenize("Hello.")``. Values come back as plain
    data; objects (models, ...) as remote handles. See :mod:`kit.remote`.
    """
    exercise = exercise_of_test_file(str(request.path.name))
    if exercise is None:
        raise pytest.UsageError(f"{request.path.name}: the impl fixture is for test_<exercise>.py files")
    return ModuleProxy(get_session(request.config, kit_impl_spec), exercise)


@pytest.fixture(scope="module")
def load_impl(request: pytest.FixtureRequest, kit_impl_spec: ImplSpec):
    """``load_impl("attention")``: another exercise of the same implementation."""
    def load(exercise: str) -> ModuleProxy:
        if exercise not in BY_NAME:
            raise ValueError(f"unknown exercise {exercise!r}")
        return ModuleProxy(get_session(request.config, kit_impl_spec), exercise)
    return load


@pytest.fixture(autouse=True)
def _kit_reveal(request: pytest.FixtureRequest):
    """Public tests may show expected values in failures; hidden graders never do."""
    with checks.revealing(not layout.is_hidden_test(Path(str(request.path)))):
        yield


@pytest.fixture
def record_perf(request: pytest.FixtureRequest):
    """Record a performance figure: shown in the test output and in results.json."""
    def record(name: str, value: float, *, unit: str = "", order: str = "desc", **extra) -> None:
        entry = {"name": name, "value": float(value), "unit": unit, "order": order, **extra}
        request.node.user_properties.append(("kit_perf", entry))
        print(f"[perf] {name}: {value:.4g} {unit} " + " ".join(f"{k}={v}" for k, v in extra.items()))
    return record


# --------------------------------------------------------------------------- points table


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    exercise = _exercise_of(item)
    if exercise is None:
        return
    results = item.config.stash[RESULTS_KEY]
    entry = results.setdefault(item.nodeid, {"exercise": exercise, "points": points_of(item),
                                              "outcome": "passed"})
    if report.skipped:
        entry["outcome"] = "skipped"
    elif report.failed:
        entry["outcome"] = "failed"


def points_summary(results: dict) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in results.values():
        row = table[entry["exercise"]]
        row["possible"] += entry["points"]
        row[entry["outcome"]] += 1
        if entry["outcome"] == "passed":
            row["earned"] += entry["points"]
        if entry["outcome"] == "skipped":
            row["skipped_points"] += entry["points"]
    return table


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.getoption("no_points"):
        return
    results = config.stash.get(RESULTS_KEY, {})
    if not results:
        return
    table = points_summary(results)
    spec = config.stash[SPEC_KEY]
    write = terminalreporter.write_line
    terminalreporter.section(f"points ({spec.label})")
    write(f"{'exercise':<26}{'points':>10}{'passed':>8}{'failed':>8}{'skipped':>9}")
    total_e = total_p = total_s = 0
    for exercise in [e.name for e in EXERCISES if e.name in table]:
        row = table[exercise]
        total_e += row["earned"]
        total_p += row["possible"]
        total_s += row["skipped_points"]
        write(f"{exercise:<26}{row['earned']:>5} /{row['possible']:>3}{row['passed']:>8}"
              f"{row['failed']:>8}{row['skipped']:>9}")
    write(f"{'total':<26}{total_e:>5} /{total_p:>3}")
    if total_s:
        write(f"({total_s} point(s) in skipped tests: no GPU, no extra, ... -- see the skip reasons "
              "with pytest -rs)")
