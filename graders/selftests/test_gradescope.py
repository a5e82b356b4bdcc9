"""The Gradescope bundle: contents, and run_autograder on a real submission (outside Gradescope)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from kit.loader import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("gs") / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "graders", "gradescope", str(out),
                           "--exercise", "tokenization"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_bundle_holds_the_engine_but_no_solutions(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert "setup.sh" in names and "run_autograder" in names
    assert "graders/test_tokenization.py" in names and "kit/worker.py" in names
    assert not [n for n in names if n.startswith(("solutions/", "exercises/")) or "/mutants/" in n]
    info = zipfile.ZipFile(bundle).getinfo("run_autograder")
    assert (info.external_attr >> 16) & stat.S_IXUSR


@pytest.mark.parametrize("layout", ["flat", "exercises-folder"])
def test_run_autograder_writes_results(bundle, tmp_path, layout):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    zipfile.ZipFile(bundle).extractall(root / "source")
    sub = root / "submission" / ("exercises" if layout == "exercises-folder" else "")
    sub.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "solutions" / "tokenization.py", sub / "tokenization.py")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), KIT_PYTHON=sys.executable, KIT_SKIP_PRETRAINED="1")
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    not_graded = sum(t["max_score"] for t in data["tests"] if t["extra_data"]["outcome"] == "not_graded")
    assert data["score"] == data["max_score"] - not_graded > 0  # the maximum is fixed
    assert {t["tags"][0] for t in data["tests"]} == {"tokenization"}
