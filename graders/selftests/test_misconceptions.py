"""Named misconceptions: the shipped signatures are current, matching names the right mistake.

"Grading a mistake alone" is measured two ways: over the whole catalogue with
selfcheck's records of each mistake's failing tests (the signatures themselves; target
top-1 >= 90 %), and end to end by really grading a stub, the reference and one mistake.
"""

import json
import subprocess
import sys

import pytest

from graders.engine import misconceptions as mc
from graders.engine.results import graders_hash
from graders.engine.selfcheck import misconception, mutants_of
from kit.exercises import EXERCISES
from kit.loader import REPO_ROOT

SIGS = mc.load_signatures()
GRADED = [e.name for e in EXERCISES if (REPO_ROOT / "graders" / f"test_{e.name}.py").is_file()]


def test_signature_file_covers_the_catalogue_and_is_current():
    assert SIGS["schema"] == mc.SCHEMA
    assert sorted(SIGS["exercises"]) == sorted(GRADED)
    assert SIGS["graders_hash"] == graders_hash(), \
        "graders changed: run python -m graders selfcheck --write-signatures graders/mutants/signatures.json"
    assert mc.stale_exercises(SIGS) == [], \
        "regenerate: python -m graders selfcheck --write-signatures graders/mutants/signatures.json"
    for exercise in GRADED:
        entry = SIGS["exercises"][exercise]
        assert sorted(entry["mistakes"]) == mutants_of(exercise)
        for mistake, info in entry["mistakes"].items():
            assert info["description"] == misconception(exercise, mistake)
            assert info["fails"], f"{exercise}/{mistake} fails no test"
            assert set(info["fails"]) <= set(entry["checked"])
            assert all("impl=" not in t for t in info["fails"])


def test_top1_rate_over_the_whole_catalogue():
    rate = mc.top1_rate(SIGS)
    print(f"top-1: {rate['top1']}/{rate['total']} = {100 * rate['rate']:.1f} %; misses: {rate['misses']}")
    assert rate["total"] >= 3 * len(GRADED)
    assert rate["rate"] >= 0.90, rate["misses"]


def _results(exercise: str, failing: set[str], *, stub: bool = False) -> dict:
    tests = []
    for name in SIGS["exercises"][exercise]["checked"]:
        failed = stub or name in failing
        output = ("not implemented yet: x" if stub else "a check failed") if failed else ""
        tests.append({"name": f"{exercise}: {name}", "score": 0 if failed else 1, "max_score": 1,
                      "status": "failed" if failed else "passed", "output": output, "tags": [exercise]})
    return {"score": 0, "max_score": len(tests), "output": "summary", "tests": tests, "extra_data": {}}


def test_match_ranks_by_overlap_and_needs_the_mistakes_failures():
    exercise = "attention"
    entry = SIGS["exercises"][exercise]
    graded = set(entry["checked"])
    mistake, info = next(iter(entry["mistakes"].items()))
    sig = set(info["fails"])
    assert mc.match(exercise, set(), graded, SIGS) == []
    found = mc.match(exercise, sig, graded, SIGS)
    assert found and found[0].overlap == 1.0 and found[0].recall == 1.0
    # missing most of the mistake's failures: not that mistake
    few = set(sorted(sig)[: max(0, len(sig) // 2 - 1)])
    assert all(m.mistake != mistake for m in mc.match(exercise, few, graded, SIGS)) or len(sig) < 3
    # a test not graded here (e.g. GPU) does not count against the match
    assert mc.match(exercise, sig - {min(sig)}, graded - {min(sig)}, SIGS)[0].overlap == 1.0
    assert mc.match("no_such_exercise", sig, graded, SIGS) == []


def test_annotate_reference_stub_and_mistake():
    exercise = "attention"
    entry = SIGS["exercises"][exercise]
    perfect = _results(exercise, set())
    assert mc.annotate(perfect, SIGS)[exercise]["misconceptions"] == []
    stub = _results(exercise, set(), stub=True)
    table = mc.annotate(stub, SIGS)
    assert table[exercise]["status"] == "not_started" and table[exercise]["misconceptions"] == []
    mistake, info = sorted(entry["mistakes"].items())[0]
    wrong = _results(exercise, set(info["fails"]))
    table = mc.annotate(wrong, SIGS)
    top = table[exercise]["misconceptions"][0]
    assert top["mistake"] == mistake and top["description"] == info["description"]
    line = mc.LINE_PREFIX + info["description"]
    assert line in wrong["output"]
    failing = [t for t in wrong["tests"] if t["status"] == "failed"]
    assert all(line in t["output"] for t in failing if t["name"].split(": ", 1)[1] in top["tests"])
    before = json.dumps(wrong)
    mc.annotate(wrong, SIGS)  # idempotent
    assert json.dumps(wrong) == before


def test_annotate_ignores_not_implemented_functions_in_a_started_exercise():
    exercise = "attention"
    mistake, info = sorted(SIGS["exercises"][exercise]["mistakes"].items())[0]
    results = _results(exercise, set(info["fails"]))
    others = [t for t in results["tests"] if t["status"] == "passed"][:3]
    for t in others:  # another function not written yet: not evidence of any mistake
        t.update(status="failed", score=0, output="not implemented yet: later")
    table = mc.annotate(results, SIGS)
    assert table[exercise]["status"] == "graded"
    assert table[exercise]["misconceptions"][0]["mistake"] == mistake


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_grading_names_the_mistake_end_to_end(tmp_path):
    """Really grade the reference, the stub and one catalogued mistake of one exercise."""
    exercise = "tokenization"
    mistake = sorted(SIGS["exercises"][exercise]["mistakes"])[0]
    label = f"mutant:{exercise}:{mistake}"
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", "solutions", "exercises", label,
                           "--out", str(tmp_path), "--exercise", exercise, "--jobs", "2",
                           "--isolation", "none"],  # catalogued mistakes run in-process only
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=850)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from graders.engine.roster import clean_id

    tables = {}
    for folder in ("solutions", "exercises", label):
        results = mc.annotate_file(tmp_path / clean_id(folder) / "results.json", SIGS)
        tables[folder] = results["extra_data"]["exercises"][exercise]
    assert tables["solutions"]["misconceptions"] == []
    assert tables["exercises"]["status"] == "not_started"
    assert tables["exercises"]["misconceptions"] == []
    assert tables[label]["misconceptions"][0]["mistake"] == mistake


@pytest.mark.parametrize("name,short,expected", [
    ("test_x[impl=solutions]", "solutions", "test_x"),
    ("test_x[fp32-impl=no_scale]", "no_scale", "test_x[fp32]"),
    ("test_x[impl=no_scale-fp32]", "no_scale", "test_x[fp32]"),
    ("test_x[a-impl=no_scale-b]", "no_scale", "test_x[a-b]"),
    ("test_x", "solutions", "test_x"),
])
def test_selfcheck_test_ids_are_the_ids_grading_reports(name, short, expected):
    from graders.engine.selfcheck import stable_test_id

    assert stable_test_id(name, short) == expected
