"""A whole class end to end (examples/class + a reference and a wrong implementation):
graded at once with --jobs 2, or as 3 shards + merge, or with a shard killed (kill -9)
and resumed with --skip-existing: the same gradebook every time. A regrade replaces one
row; duplicate ids and a GPU run without a GPU are refused with a message."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.loader import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CLASS = REPO_ROOT / "examples" / "class"
EXERCISES = ["--exercise", "tokenization", "--exercise", "stop_words"]
ENV = dict(os.environ, KIT_SKIP_PRETRAINED="1", PYTHONPATH=str(REPO_ROOT))
WRONG = '''"""ngrams off by one; tokenize keeps case but drops punctuation."""
import re


def tokenize(text):
    return re.findall(r"\\w+", text)


def ngrams(tokens, n):
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n)]
'''


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "graders", *args]


def run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(command(*args), cwd=REPO_ROOT, env=ENV, capture_output=True, text=True,
                          timeout=600)
    return proc


def class_args(tmp: Path) -> list[str]:
    wrong = tmp / "mallory"
    if not wrong.exists():
        wrong.mkdir()
        (wrong / "tokenization.py").write_text(WRONG)
    return ["--by-folder", str(CLASS), "reference=solutions", f"mallory={wrong}",
            "--roster", str(CLASS / "roster.csv"), *EXERCISES]


def gradebook(folder: Path, *, drop=("run",)) -> list[dict]:
    rows = list(csv.DictReader(open(folder / "gradebook.csv", encoding="utf-8")))
    return [{k: v for k, v in r.items() if k not in drop} for r in rows]


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    out = tmp / "all"
    proc = run("grade", *class_args(tmp), "--jobs", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return tmp, out, proc


def test_the_class_is_graded_with_ids_roster_and_per_student_errors(unsharded):
    tmp, out, proc = unsharded
    assert f"gradebook: {out / 'gradebook.csv'}" in proc.stdout
    rows = {r["student"]: r for r in gradebook(out)}
    assert list(rows) == sorted(rows) and len(rows) >= 8
    # full marks but the tests this machine cannot grade (the pretrained extra is switched off)
    assert rows["alice"]["total"] == rows["reference"]["total"] != "0"
    assert rows["alice"]["max_total"] == rows["bob"]["max_total"] == rows["carol"]["max_total"]
    assert rows["alice"]["name"] == "Alice Martin"
    for wrong in ("bob", "dave", "mallory"):
        assert 0 < int(rows[wrong]["total"]) < int(rows[wrong]["max_total"]), wrong
    assert rows["carol"]["total"] == "0" and rows["carol"]["status"] == "graded"
    assert rows["erin"]["status"] == "error" and "erin.zip" in rows["erin"]["error"]
    assert rows["frank"]["status"] == "missing"
    assert rows["reference"]["status"] == rows["mallory"]["status"] == "not_on_roster"
    data = json.loads((out / "dave" / "results.json").read_text())
    assert data["extra_data"]["student"] == "dave" and data["extra_data"]["schema"] == 2
    assert data["extra_data"]["submission"].endswith("dave.zip")
    assert 'name="dave"' in (out / "dave" / "junit.xml").read_text()
    assert "Student:    dave" in (out / "dave" / "summary.txt").read_text()
    assert not (out / "frank").exists()
    assert "Students: " in (out / "summary.txt").read_text()
    assert json.loads((out / "run.json").read_text())["graders_hash"] == data["extra_data"]["graders_hash"]


def test_three_shards_and_merge_give_the_same_gradebook(unsharded):
    tmp, out, _ = unsharded
    shards = [tmp / f"shard{i}" for i in (1, 2, 3)]
    for i, folder in enumerate(shards, start=1):
        proc = run("grade", *class_args(tmp), "--shard", f"{i}/3", "--out", str(folder))
        assert proc.returncode == 0, proc.stderr
        assert not (folder / "gradebook.csv").exists()  # a shard writes per-student results only
    owned = [sorted(p.name for p in folder.iterdir()) for folder in shards]
    assert sorted(sum(owned, [])) == sorted({r["student"] for r in gradebook(out)} - {"frank"})
    merged = tmp / "merged"
    proc = run("merge", *map(str, shards), "--out", str(merged), "--roster", str(CLASS / "roster.csv"))
    assert proc.returncode == 0, proc.stderr
    assert gradebook(merged) == gradebook(out)
    runs = {r["run"] for r in gradebook(merged, drop=())} - {""}
    assert len(runs) == 3 and all("shard" in r for r in runs)


def test_a_killed_shard_resumes_with_skip_existing(unsharded):
    tmp, out, _ = unsharded
    folder = tmp / "killed3"
    proc = subprocess.Popen(command("grade", *class_args(tmp), "--shard", "3/3", "--out", str(folder)),
                            cwd=REPO_ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(folder.glob("*/results.json")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = sorted(p.parent.name for p in folder.glob("*/results.json"))
    assert 1 <= len(done) < 3, done  # killed in the middle of the shard
    resumed = run("grade", *class_args(tmp), "--shard", "3/3", "--skip-existing", "--out", str(folder))
    assert resumed.returncode == 0, resumed.stderr
    assert f"--skip-existing: {len(done)} student(s) already graded" in resumed.stderr
    for i in (1, 2):
        if not (tmp / f"shard{i}").exists():
            assert run("grade", *class_args(tmp), "--shard", f"{i}/3", "--out",
                       str(tmp / f"shard{i}")).returncode == 0
    merged = tmp / "merged-after-kill"
    proc = run("merge", str(tmp / "shard1"), str(tmp / "shard2"), str(folder), "--out", str(merged),
               "--roster", str(CLASS / "roster.csv"))
    assert proc.returncode == 0, proc.stderr
    assert gradebook(merged) == gradebook(out)


def test_regrading_one_student_replaces_that_row_only(unsharded):
    tmp, out, _ = unsharded
    regrade = tmp / "regrade"
    proc = run("grade", f"bob={CLASS / 'alice'}", *EXERCISES, "--out", str(regrade))
    assert proc.returncode == 0, proc.stderr
    assert (regrade / "bob" / "results.json").exists()
    merged = tmp / "after-regrade"
    assert run("merge", str(out), str(regrade), "--out", str(merged), "--roster",
               str(CLASS / "roster.csv")).returncode == 0
    before = {r["student"]: r for r in gradebook(out, drop=())}
    after = {r["student"]: r for r in gradebook(merged, drop=())}
    assert after["bob"]["total"] == before["alice"]["total"] != before["bob"]["total"]
    assert after["bob"]["run"] != before["bob"]["run"]
    assert {k: v for k, v in after.items() if k != "bob"} == \
        {k: v for k, v in before.items() if k != "bob"}


def test_duplicate_ids_and_gpu_without_a_gpu_are_refused(tmp_path):
    (tmp_path / "root" / "alice").mkdir(parents=True)
    proc = run("grade", "--by-folder", str(CLASS), f"alice={tmp_path / 'root' / 'alice'}",
               *EXERCISES, "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "'alice' is given twice" in proc.stderr and str(CLASS / "alice") in proc.stderr
    proc = subprocess.run(command("grade", "solutions", "--exercise", "masking", "--gpu", "require",
                                  "--out", str(tmp_path / "gpu")), cwd=REPO_ROOT,
                          env=dict(ENV, KIT_ASSUME_GPU="0"), capture_output=True, text=True)
    assert proc.returncode == 1 and "--gpu require: no CUDA GPU" in proc.stderr


def test_canvas_and_nbgrader_hand_ins_with_a_deadline(tmp_path):
    """The formats through the command line, with lateness and a late penalty."""
    import zipfile

    good = (CLASS / "alice" / "exercises" / "tokenization.py").read_bytes()
    with zipfile.ZipFile(tmp_path / "canvas.zip", "w") as zf:
        zf.writestr("smithjane_1001_5001_tokenization.py", b"def tokenize(text):\n    return []\n")
        zf.writestr("smithjane_1001_5002_tokenization-1.py", good)  # the resubmission wins
        zf.writestr("doejohn_late_1002_5003_tokenization.py", good)
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None,
         "source": good.decode()}]}
    hw = tmp_path / "submitted" / "ana" / "chapter2"
    hw.mkdir(parents=True)
    (hw / "tokenization.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "times.csv").write_text("id,submitted_at\n1002,2026-12-07T10:00:00Z\n")
    out = tmp_path / "out"
    proc = run("grade", "--canvas", str(tmp_path / "canvas.zip"), "--nbgrader", str(tmp_path / "submitted"),
               "--exercise", "tokenization", "--jobs", "2", "--deadline", "2026-12-05T23:59:00+01:00",
               "--late-penalty", "10%/day,max=50%", "--submitted-at", str(tmp_path / "times.csv"),
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r for r in gradebook(out)}
    assert set(rows) == {"1001", "1002", "ana"}
    assert rows["1001"]["tokenization"] == rows["ana"]["tokenization"] != "0"
    assert (rows["1001"]["late_days"], rows["1002"]["late_days"], rows["1002"]["penalty"]) == ("", "2", "20%")
    assert float(rows["1002"]["total"]) == pytest.approx(0.8 * int(rows["1001"]["total"]))
    assert "late by 2 day(s); 10%/day, max 50%" in (out / "1002" / "results.json").read_text()


def test_gpu_only_and_skip_runs_list_every_test_with_a_fixed_maximum(tmp_path):
    """The plumbing of --gpu on this CPU machine (KIT_ASSUME_GPU=1 lets --gpu only start;
    its GPU tests are then skipped by the kit for want of CUDA): both runs list every test,
    with the same maximum, and flag the GPU tests."""
    runs = {}
    for mode in ("skip", "only"):
        proc = subprocess.run(command("grade", "ref=solutions", "--exercise", "masking", "--gpu", mode,
                                      "--out", str(tmp_path / mode)), cwd=REPO_ROOT,
                              env=dict(ENV, KIT_ASSUME_GPU="1"), capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr
        runs[mode] = json.loads((tmp_path / mode / "ref" / "results.json").read_text())
    skip, only = runs["skip"], runs["only"]
    assert skip["max_score"] == only["max_score"] > 0
    assert [t["name"] for t in skip["tests"]] == [t["name"] for t in only["tests"]]
    gpu = {t["name"] for t in skip["tests"] if t["extra_data"]["gpu"]}
    assert gpu and gpu == {t["name"] for t in only["tests"] if t["extra_data"]["gpu"]}
    for t in only["tests"]:
        if t["name"] not in gpu:
            assert t["extra_data"]["outcome"] == "not_graded" and "--gpu only" in t["output"]
    for t in skip["tests"]:
        if t["name"] in gpu:
            assert t["extra_data"]["outcome"] == "not_graded" and t["score"] == 0
    row = next(csv.DictReader(open(tmp_path / "skip" / "gradebook.csv")))
    assert row["gpu"].startswith("not graded on this machine")

