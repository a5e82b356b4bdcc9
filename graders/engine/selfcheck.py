"""``python -m graders selfcheck``: keep the graders honest.

One pytest run parametrizes every grader test over

* ``solutions`` -- must pass every test (GPU/extra tests may skip without hardware);
* ``exercises`` -- the stubs: every test must fail, and by ``NotImplementedError``
  (so no test passes vacuously and none errors for another reason);
* each catalogued wrong implementation of that exercise
  (``graders/mutants/<exercise>/<name>.py``: the solution with one misconception
  put back) -- must lose points: at least one test fails.

It prints which test killed which wrong implementation and exits non-zero when
any of the three checks does not hold. Slow tests run against the solutions and
stubs only, unless ``--with-slow``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from kit.exercises import BY_NAME, EXERCISES, exercise_of_test_file
from kit.loader import REPO_ROOT, resolve

MUTANTS_DIR = REPO_ROOT / "graders" / "mutants"
MIN_MUTANTS = 3
OUT_KEY = pytest.StashKey[list]()


def mutants_of(exercise: str) -> list[str]:
    folder = MUTANTS_DIR / exercise
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.py") if not p.name.startswith("_"))


def misconception(exercise: str, mutant: str) -> str:
    import ast

    source = (MUTANTS_DIR / exercise / f"{mutant}.py").read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


# --------------------------------------------------------------------------- pytest plugin


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kit")
    group.addoption("--kit-selfcheck-out", default=None, help="(selfcheck) JSON output file")
    group.addoption("--kit-selfcheck-slow", action="store_true",
                    help="(selfcheck) run slow tests against wrong implementations too")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[OUT_KEY] = []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "kit_impl_spec" not in metafunc.fixturenames:
        return
    exercise = exercise_of_test_file(metafunc.definition.path.name)
    if exercise is None:
        return
    labels = ["solutions", "exercises"] + [f"mutant:{exercise}:{m}" for m in mutants_of(exercise)]
    specs = [resolve(label) for label in labels]
    ids = [label.split(":")[-1] if label.startswith("mutant:") else label for label in labels]
    metafunc.parametrize("kit_impl_spec", specs, ids=[f"impl={i}" for i in ids], scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("kit_selfcheck_slow"):
        return
    keep, drop = [], []
    for item in items:
        spec = getattr(item, "callspec", None)
        label = spec.params.get("kit_impl_spec").label if spec and "kit_impl_spec" in spec.params else ""
        if label.startswith("mutant:") and item.get_closest_marker("slow") is not None:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    spec = item.callspec.params.get("kit_impl_spec") if hasattr(item, "callspec") else None
    exercise = exercise_of_test_file(item.path.name)
    if spec is None or exercise is None:
        return
    if report.when == "call" or report.failed or report.skipped:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        exc_type = call.excinfo.typename if call.excinfo is not None else None
        test_name = stable_test_id(item.name, _short(spec.label))
        item.config.stash[OUT_KEY].append({
            "feedback": item.get_closest_marker("feedback") is not None,
            "exercise": exercise, "impl": spec.label, "test": test_name, "when": report.when,
            "outcome": report.outcome, "exc_type": exc_type,
            "message": str(call.excinfo.value)[:300] if call.excinfo is not None else "",
        })


def stable_test_id(name: str, short: str) -> str:
    """``test_x[fp32-impl=no_scale]`` -> ``test_x[fp32]``: the id grading reports for that test."""
    base, bracket, params = name.partition("[")
    if not bracket:
        return name
    params, token = params[:-1], f"impl={short}"
    if params == token:
        return base
    if params.startswith(token + "-"):
        params = params[len(token) + 1:]
    elif params.endswith("-" + token):
        params = params[: -len(token) - 1]
    else:
        params = params.replace(f"-{token}-", "-", 1)
    return f"{base}[{params}]"


def _short(label: str) -> str:
    return label.split(":")[-1] if label.startswith("mutant:") else label


def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    path = session.config.getoption("kit_selfcheck_out")
    if path:
        Path(path).write_text(json.dumps(session.config.stash[OUT_KEY]), encoding="utf-8")


# --------------------------------------------------------------------------- the command


def selfcheck(exercises: list[str] | None = None, *, with_slow: bool = False, stream=sys.stdout,
              write_signatures: Path | None = None, records_out: Path | None = None) -> int:
    names = exercises or [e.name for e in EXERCISES
                          if (REPO_ROOT / "graders" / f"test_{e.name}.py").is_file()]
    for name in names:
        if name not in BY_NAME:
            print(f"unknown exercise {name!r}", file=sys.stderr)
            return 2
    files = [str(REPO_ROOT / "graders" / f"test_{n}.py") for n in names]
    with tempfile.TemporaryDirectory(prefix="kit-selfcheck-") as tmp:
        out = Path(tmp) / "selfcheck.json"
        command = [sys.executable, "-m", "pytest", "-p", "graders.engine.selfcheck",
                   "--kit-selfcheck-out", str(out), "-q", "--no-points", "-p", "no:cacheprovider",
                   "-o", "addopts=--strict-markers", "--rootdir", str(REPO_ROOT),
                   "-c", str(REPO_ROOT / "pyproject.toml"), *files]
        if with_slow:
            command.append("--kit-selfcheck-slow")
        env = dict(os.environ, PYTHONHASHSEED="0")
        env.pop("KIT_IMPL", None)
        proc = subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if not out.exists():
            print(proc.stdout[-5000:], file=stream)
            print("selfcheck: the pytest run produced no results", file=stream)
            return 1
        records = json.loads(out.read_text(encoding="utf-8"))
    if records_out is not None:
        Path(records_out).write_text(json.dumps(records), encoding="utf-8")
    if write_signatures is not None:
        from .misconceptions import update_signature_file

        update_signature_file(Path(write_signatures), records, names)
        print(f"signatures of the catalogued mistakes written to {write_signatures}", file=stream)
    return report(records, names, stream)


def report(records: list[dict], names: list[str], stream) -> int:
    by_impl: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        by_impl[(r["exercise"], r["impl"])].append(r)
    problems: list[str] = []
    write = lambda text="": print(text, file=stream)

    write("Self-check of the graders")
    write("=" * 78)
    write(f"{'exercise':<26}{'solutions pass':>16}{'stubs fail by NIE':>20}{'mutants killed':>16}"
          f"  {'GPU/extra skips':<16}")
    for name in names:
        sol = by_impl.get((name, "solutions"), [])
        stub = by_impl.get((name, "exercises"), [])
        sol_pass = sum(r["outcome"] == "passed" for r in sol)
        sol_skip = sum(r["outcome"] == "skipped" for r in sol)
        stub_run = [r for r in stub if r["outcome"] != "skipped"]
        stub_nie = sum(r["outcome"] == "failed" and r["exc_type"] == "NotImplementedError"
                       for r in stub_run)
        mutants = mutants_of(name)
        killed = sum(any(r["outcome"] == "failed" for r in by_impl.get((name, f"mutant:{name}:{m}"), []))
                     for m in mutants)
        write(f"{name:<26}{f'{sol_pass}/{len(sol) - sol_skip}':>16}{f'{stub_nie}/{len(stub_run)}':>20}"
              f"{f'{killed}/{len(mutants)}':>16}  {sol_skip or '':<16}")
        for r in sol:
            if r["outcome"] == "failed":
                problems.append(f"{name}: the solution fails {r['test']}: {r['exc_type']}: {r['message']}")
        for r in stub_run:
            if not (r["outcome"] == "failed" and r["exc_type"] == "NotImplementedError"):
                how = "passes" if r["outcome"] == "passed" else f"fails by {r['exc_type']}"
                problems.append(f"{name}: against the stub, {r['test']} {how} "
                                "(it must fail by NotImplementedError)")
        if len(mutants) < MIN_MUTANTS:
            problems.append(f"{name}: only {len(mutants)} catalogued wrong implementation(s); "
                            f"at least {MIN_MUTANTS} wanted")
        if not sol:
            problems.append(f"{name}: no grader test ran against the solution")

    write()
    write("Which test killed which wrong implementation")
    write("-" * 78)
    for name in names:
        for m in mutants_of(name):
            runs = by_impl.get((name, f"mutant:{name}:{m}"), [])
            killers = [r["test"] for r in runs if r["outcome"] == "failed"]
            scored = [r for r in runs if r["outcome"] == "failed" and not r.get("feedback")]
            write(f"{name}/{m}: {misconception(name, m)}")
            if killers and not scored:
                write("    caught by feedback only: worth no points (a mistake of speed or wasted "
                      "work, measured only where the code runs; a GPU throughput test, where the "
                      "exercise has one, takes points)")
            if killers:
                shown = ", ".join(killers[:4]) + (f", +{len(killers) - 4} more" if len(killers) > 4 else "")
                write(f"    killed by {len(killers)}/{len(runs)} test(s): {shown}")
            else:
                write("    SURVIVED: no grader test fails")
                problems.append(f"{name}: wrong implementation {m!r} survives every grader test")
    write()
    if problems:
        write(f"{len(problems)} problem(s):")
        for p in problems:
            write(f"  - {p}")
        return 1
    write("OK: solutions pass, stubs fail by NotImplementedError, every wrong implementation is killed.")
    return 0
