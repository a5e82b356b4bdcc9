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
    assert "graders/test_tokenization.py" in names and "kit/boundary/worker.py" in names
    assert not [n for n in names if n.startswith(("solutions/", "exercises/"))
                or ("/mutants/" in n and not n.endswith("mutants/signatures.json"))]
    assert "graders/mutants/signatures.json" in names
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


def _as_user(uid: int, gid: int, action) -> str:
    """``"ok"`` or the exception's class name, for ``action()`` run in a child as uid:gid."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, try, report, and leave without cleanup
        os.close(read_fd)
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            action()
            outcome = "ok"
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            outcome = type(exc).__name__
        os.write(write_fd, outcome.encode())
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        outcome = fh.read().decode()
    os.waitpid(pid, 0)
    return outcome


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="setting owners and dropping to another user needs root")
def test_lock_down_hides_the_graders_from_the_worker_user(bundle):
    """setup.sh's lock_down, run on an unpacked bundle for the user ``nobody``: the public kit
    and the submission stay readable to it, the hidden graders and the results do not."""
    import pwd
    import tempfile

    from graders.build import gradescope

    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' here")
    root = tempfile.mkdtemp(prefix="kit-gs-", dir="/tmp")  # pytest's own tmp is private to root
    try:
        os.chmod(root, 0o755)
        zipfile.ZipFile(bundle).extractall(os.path.join(root, "source"))
        os.makedirs(os.path.join(root, "submission"))
        with open(os.path.join(root, "submission", "tokenization.py"), "w") as fh:
            fh.write("def tokenize(text):\n    return []\n")
        script = gradescope.LOCK_DOWN + '\nlock_down "$1" "$2"\n'
        proc = subprocess.run(["bash", "-c", script, "lock", root, "nobody"], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr

        def read(*parts):
            return lambda: open(os.path.join(root, *parts)).read()

        def write(*parts):
            return lambda: open(os.path.join(root, *parts), "w").write("x")

        uid, gid = user.pw_uid, user.pw_gid
        for allowed in (read("source", "kit", "boundary", "worker.py"), read("source", "kit", "__init__.py"),
                        read("submission", "tokenization.py"),
                        lambda: os.listdir(os.path.join(root, "source", "kit"))):
            assert _as_user(uid, gid, allowed) == "ok"
        for denied in (read("source", "graders", "test_tokenization.py"),
                       read("source", "graders", "sandbox.py"), read("source", "conftest.py"),
                       read("source", "run_autograder"),
                       lambda: os.listdir(os.path.join(root, "source", "graders")),
                       lambda: os.listdir(os.path.join(root, "results")),
                       write("source", "kit", "boundary", "worker.py"), write("source", "PWNED"),
                       write("results", "results.json")):
            assert _as_user(uid, gid, denied) == "PermissionError"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_scripts_create_the_worker_user_and_pass_it_on(bundle):
    archive = zipfile.ZipFile(bundle)
    setup = archive.read("setup.sh").decode()
    run = archive.read("run_autograder").decode()
    assert "useradd" in setup and "lock_down /autograder kitworker" in setup
    assert "export KIT_WORKER_USER=kitworker" in run and 'lock_down "$ROOT" kitworker' in run
    for script in (setup, run):
        assert "{" + "user}" not in script and "{" + "lock_down}" not in script
