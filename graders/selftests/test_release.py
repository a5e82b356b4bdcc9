"""The student copy (``python -m graders release``): what it holds, that it works, that it
never leaks solutions or hidden tests -- checked on real copies built into temp folders."""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graders.build.release import MARKER, ReleaseError, release
from kit.loader import REPO_ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for name in ("KIT_IMPL", "PYTHONPATH"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def student_copy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student"
    release(out, stream=io.StringIO())
    return out


def test_the_copy_holds_what_students_need_and_nothing_else(student_copy):
    top = {p.name for p in student_copy.iterdir()}
    assert {"exercises", "tests", "kit", "conftest.py", "tox.ini", "pyproject.toml", "README.md",
            ".gitignore"} <= top
    assert not top & {"solutions", "graders", "docs", "benchmarks", ".ci", "CHANGELOG.md"}, top
    assert not list(student_copy.rglob("__pycache__")), "caches were copied"
    stubs = {p.name for p in (REPO_ROOT / "exercises").glob("*.py")}
    assert {p.name for p in (student_copy / "exercises").glob("*.py")} == stubs
    assert (student_copy / "kit" / "data").is_dir(), "the kit's data must be shipped"


def test_pyproject_tests_the_students_own_code(student_copy):
    options = tomllib.loads((student_copy / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["kit_impl"] == "exercises"
    assert options["testpaths"] == ["tests"]
    original = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    copied = tomllib.loads((student_copy / "pyproject.toml").read_text())
    assert copied["project"] == original["project"], "dependencies and extras must stay as they are"


def test_readme_says_how_to_set_up_run_score_and_submit(student_copy):
    readme = (student_copy / "README.md").read_text()
    for needle in ('python -m pip install torch==2.13.0 -e ".[all]"', "python -m pytest -m tokenization",
                   "tests/test_tokenization.py", "points", "exercises/", "zip"):
        assert needle in readme, needle
    assert "{{" not in readme, "a template placeholder was left in the README"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_in_the_copy_every_public_test_fails_by_not_implemented(student_copy, tmp_path):
    where = subprocess.run([sys.executable, "-c", "import kit; print(kit.__file__)"],
                           cwd=student_copy, env=_env(), capture_output=True, text=True)
    assert Path(where.stdout.strip()).resolve().is_relative_to(student_copy.resolve()), where
    junit = tmp_path / "junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", f"--junitxml={junit}"], cwd=student_copy,
                          env=_env(), capture_output=True, text=True, timeout=280)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    suites = ET.parse(junit).getroot()
    cases = list(suites.iter("testcase"))
    assert cases, "no test ran"
    assert sum(int(s.get("errors", 0)) for s in suites.iter("testsuite")) == 0, proc.stdout[-3000:]
    failed = 0
    for case in cases:
        failure = case.find("failure")
        if case.find("skipped") is not None:
            continue
        assert failure is not None, f"{case.get('name')} passed against a stub"
        assert "NotImplementedError" in (failure.get("message") or ""), \
            f"{case.get('classname')}::{case.get('name')}: {failure.get('message')}"
        failed += 1
    assert failed >= len(list((student_copy / "tests").glob("test_*.py")))
    total = [line for line in proc.stdout.splitlines() if line.startswith("total")]
    assert total and total[-1].split()[1] == "0", total


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="needs setuptools to build")
def test_the_copy_builds_the_kit_package(student_copy, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(tmp_path), str(student_copy)],
                          env=_env(), capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import zipfile

    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    assert "kit/pytest_plugin.py" in names and any(n.startswith("kit/data/") for n in names)
    assert not any(n.startswith(("solutions/", "graders/")) for n in names)


# --------------------------------------------------------------------------- leaks


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The instructor repository's sources, to plant leaks in without touching the real one."""
    root = tmp_path_factory.mktemp("repo") / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for folder in ("exercises", "tests", "kit", "solutions", "graders", "docs"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=ignore)
    for name in ("conftest.py", "tox.ini", "pyproject.toml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


def _plant(repo: Path, tmp: Path, how: str) -> Path:
    planted = tmp / "repo"
    shutil.copytree(repo, planted)
    solution = (repo / "solutions" / "tokenization.py").read_text()
    if how == "solution copied into the kit":
        (planted / "kit" / "text_helpers.py").write_text(solution)
    elif how == "reference body pasted into the stub":
        stub = (planted / "exercises" / "tokenization.py").read_text()
        body = ('    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):\n'
                '        raise TypeError("tokens must be a list of str")\n'
                '    if isinstance(n, bool) or not isinstance(n, int):\n'
                '        raise TypeError(f"n must be an int, got {type(n).__name__}")\n'
                '    if n < 1:\n'
                '        raise ValueError(f"n must be at least 1, got {n}")\n'
                '    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]\n')
        assert body in solution, "the planted body must be the reference's"
        stub = stub.replace('    raise NotImplementedError("tokenization.ngrams: not implemented yet")\n', body)
        (planted / "exercises" / "tokenization.py").write_text(stub)
    elif how == "hidden tests copied to the public tests":
        shutil.copy2(repo / "graders" / "test_tokenization.py", planted / "tests" / "test_tokenization_more.py")
    elif how == "wrong implementation shipped":
        mutant = next((repo / "graders" / "mutants" / "tokenization").glob("*.py"))
        shutil.copy2(mutant, planted / "exercises" / "tokenization_variant.py")
    elif how == "solution quoted in a data file":
        start = solution.index("def ngrams")
        quoted = solution[start:solution.index("\n\n", start)]
        (planted / "kit" / "data" / "notes.md").write_text(f"Notes\n\n```python\n{quoted}\n```\n")
    else:  # pragma: no cover
        raise AssertionError(how)
    return planted


@pytest.mark.parametrize("how", ["solution copied into the kit", "reference body pasted into the stub",
                                 "hidden tests copied to the public tests", "wrong implementation shipped",
                                 "solution quoted in a data file"])
def test_a_planted_leak_fails_the_release_and_writes_nothing(repo_copy, tmp_path, how):
    planted = _plant(repo_copy, tmp_path, how)
    out = tmp_path / "out" / "student"
    with pytest.raises(ReleaseError, match="leak") as failure:
        release(out, repo_root=planted, stream=io.StringIO())
    message = str(failure.value)
    expected_origin = {"hidden tests copied to the public tests": "graders/test_tokenization.py",
                       "wrong implementation shipped": "graders/mutants/tokenization/"}.get(
        how, "solutions/tokenization.py")
    assert expected_origin in message, message
    assert not out.exists(), "a failed release must not leave a copy"
    assert not [p for p in out.parent.iterdir()] if out.parent.exists() else True


def test_the_unplanted_repo_copy_releases(repo_copy, tmp_path):
    out = release(tmp_path / "student", repo_root=repo_copy, stream=io.StringIO())
    assert (out / MARKER).is_file()


def test_release_replaces_an_earlier_copy_but_nothing_else(repo_copy, tmp_path):
    out = tmp_path / "student"
    release(out, repo_root=repo_copy, stream=io.StringIO())
    (out / "exercises" / "stale.py").write_text("x = 1\n")
    release(out, repo_root=repo_copy, stream=io.StringIO())
    assert not (out / "exercises" / "stale.py").exists(), "the earlier copy was not replaced"
    other = tmp_path / "not-a-copy"
    other.mkdir()
    (other / "precious.txt").write_text("keep me")
    with pytest.raises(ReleaseError, match="refusing"):
        release(other, repo_root=repo_copy, stream=io.StringIO())
    assert (other / "precious.txt").read_text() == "keep me"
    with pytest.raises(ReleaseError):
        release(repo_copy / "exercises" / "out", repo_root=repo_copy, stream=io.StringIO())
