"""``python -m graders grade`` end to end: reports, schema, gradebook, errors, repeatability."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from kit.loader import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
FAST = ["tokenization", "bag_of_words"]  # quick exercises keep these runs short


def grade(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders", "grade", *args], cwd=REPO_ROOT,
                          env=dict(os.environ, KIT_SKIP_PRETRAINED="1", **(env or {})),
                          capture_output=True, text=True, timeout=550)


def exercise_args(names=FAST) -> list[str]:
    return [a for n in names for a in ("--exercise", n)]


@pytest.fixture(scope="module")
def solutions_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("solutions")
    proc = grade("solutions", "--out", str(out), *exercise_args())
    return proc, out


def test_solutions_get_full_marks(solutions_run):
    proc, out = solutions_run
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "results.json").read_text())
    not_graded = sum(t["max_score"] for t in data["tests"] if t["extra_data"]["outcome"] == "not_graded")
    assert data["score"] == data["max_score"] - not_graded > 0  # the maximum is fixed
    assert "Score:" in proc.stdout


def test_results_follow_gradescope_schema(solutions_run):
    _, out = solutions_run
    data = json.loads((out / "results.json").read_text())
    for key in ("score", "max_score", "execution_time", "output", "tests", "leaderboard", "visibility"):
        assert key in data
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "tags", "visibility"}
        assert test["status"] in ("passed", "failed")
        assert test["extra_data"]["outcome"] in ("passed", "failed", "not_graded")
        assert len(test["tags"]) == 1 and test["name"].startswith(test["tags"][0] + ":")
        assert test["tags"][0] in FAST


def test_junit_and_summary_are_written(solutions_run):
    _, out = solutions_run
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    data = json.loads((out / "results.json").read_text())
    assert int(suite.get("tests")) == len(data["tests"]) and suite.get("failures") == "0"
    summary = (out / "summary.txt").read_text()
    assert "tokenization" in summary and "Isolation:" in summary


@pytest.fixture(scope="module")
def stubs_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("stubs")
    proc = grade("exercises", "--out", str(out), *exercise_args())
    return proc, out


def test_stubs_get_zero_by_not_implemented(stubs_run):
    proc, out = stubs_run
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "results.json").read_text())
    assert data["score"] == 0 and data["max_score"] > 0
    graded = [t for t in data["tests"] if t["extra_data"]["outcome"] != "not_graded"]
    assert graded
    for test in graded:
        assert test["status"] == "failed" and "not implemented yet" in test["output"], test


def test_hidden_expected_values_are_not_shown(tmp_path):
    """A wrong answer's message shows the student's value, never the expected one."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "tokenization.py").write_text(
        "def tokenize(text):\n    return text.split()\n\ndef ngrams(tokens, n):\n    return []\n")
    proc = grade(str(sub), "--out", str(tmp_path / "out"), "--exercise", "tokenization")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    course = next(t for t in data["tests"] if "course sentence" in t["name"])
    assert "tricky." in course["output"]  # the student's own (wrong) token
    assert "expected:" not in course["output"]
    everything = (tmp_path / "out" / "results.json").read_text() + (tmp_path / "out" / "junit.xml").read_text() \
        + (tmp_path / "out" / "summary.txt").read_text() + (tmp_path / "out" / "grader.log").read_text()
    # the expected list ends "'tricky', '.'"; the student's own ends "'tricky.'"
    assert "'tricky', '.'" not in everything and '"tricky", "."' not in everything


def test_missing_module_and_missing_function_cost_only_their_exercise(tmp_path):
    sub = tmp_path / "partial"
    sub.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / "bag_of_words.py", sub / "bag_of_words.py")
    (sub / "tokenization.py").write_text("def tokenize(text):\n    return text.split()\n")
    out = tmp_path / "out"
    proc = grade(str(sub), "--out", str(out), *exercise_args(FAST + ["stop_words"]))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "results.json").read_text())
    by = {}
    for t in data["tests"]:
        by.setdefault(t["tags"][0], []).append(t)
    assert all(t["score"] == t["max_score"] for t in by["bag_of_words"])
    assert all(t["score"] == 0 for t in by["stop_words"])
    assert "no stop_words.py" in by["stop_words"][0]["output"]
    ngram = [t for t in by["tokenization"] if "ngrams" in t["name"]]
    assert ngram and all("has no 'ngrams'" in t["output"] for t in ngram)


def test_syntax_error_at_import_is_reported(tmp_path):
    sub = tmp_path / "broken"
    sub.mkdir()
    (sub / "tokenization.py").write_text("def tokenize(text)\n    return []\n")
    proc = grade(str(sub), "--out", str(tmp_path / "out"), "--exercise", "tokenization")
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert proc.returncode == 0 and data["score"] == 0
    assert "SyntaxError" in data["tests"][0]["output"]


def test_many_submissions_write_a_gradebook_and_scores_repeat(tmp_path):
    subs = []
    for name in ("alice", "bob"):
        folder = tmp_path / name
        shutil.copytree(REPO_ROOT / "solutions", folder)
        subs.append(str(folder))
    (tmp_path / "bob" / "tokenization.py").write_text("def tokenize(text):\n    return []\n")
    runs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        proc = grade(*subs, "--out", str(out), "--jobs", "2", "--exercise", "tokenization")
        assert proc.returncode == 0, proc.stderr
        assert "graded 2/2" in proc.stderr or "2/2" in proc.stderr
        rows = {r["student"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
        assert set(rows) == {"alice", "bob"}
        alice = json.loads((out / "alice" / "results.json").read_text())
        assert all(t["status"] == "passed" for t in alice["tests"]
                   if t["extra_data"]["outcome"] != "not_graded")  # full marks where graded
        assert rows["alice"]["tokenization"] == rows["alice"]["total"] != "0"
        assert int(rows["bob"]["tokenization"]) < int(rows["bob"]["max_total"])
        assert (out / "alice" / "results.json").exists() and (out / "bob" / "junit.xml").exists()
        runs.append({n: json.loads((out / n / "results.json").read_text())["tests"] for n in rows})
    strip = lambda tests: [(t["name"], t["score"]) for t in tests]
    assert {n: strip(t) for n, t in runs[0].items()} == {n: strip(t) for n, t in runs[1].items()}


def test_grader_errors_exit_non_zero_with_a_reason(tmp_path):
    proc = grade(str(tmp_path / "does-not-exist"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1 and "not a folder" in proc.stderr
    proc = grade("solutions", "--exercise", "no_such_exercise", "--out", str(tmp_path / "out"))
    assert proc.returncode == 1 and "unknown exercise" in proc.stderr


def test_in_process_and_isolated_give_the_same_scores(tmp_path):
    scores = []
    for mode in ("none", "auto"):
        out = tmp_path / mode
        proc = grade("solutions", "--out", str(out), "--isolation", mode, "--exercise", "bag_of_words")
        assert proc.returncode == 0, proc.stderr
        data = json.loads((out / "results.json").read_text())
        scores.append([(t["name"], t["score"]) for t in data["tests"]])
    assert scores[0] == scores[1]
