"""The self-check over every exercise: solutions pass, stubs fail by NotImplementedError,
every catalogued wrong implementation is killed (about 2-3 minutes on 2 cores). The same
run recomputes each mistake's signature, which must equal the shipped
graders/mutants/signatures.json (so the misconception matching cannot go stale)."""

import json
import subprocess
import sys

import pytest

from kit.loader import REPO_ROOT


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_selfcheck_passes(tmp_path):
    fresh = tmp_path / "signatures.json"
    proc = subprocess.run([sys.executable, "-m", "graders", "selfcheck", "--write-signatures", str(fresh)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=1450)
    print(proc.stdout[-6000:])
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "every wrong implementation is killed" in proc.stdout
    assert "SURVIVED" not in proc.stdout
    shipped = json.loads((REPO_ROOT / "graders" / "mutants" / "signatures.json").read_text(encoding="utf-8"))
    computed = json.loads(fresh.read_text(encoding="utf-8"))
    stale = "graders/mutants/signatures.json is stale: python -m graders selfcheck --write-signatures " \
            "graders/mutants/signatures.json"
    assert computed["graders_hash"] == shipped["graders_hash"], stale
    assert sorted(computed["exercises"]) == sorted(shipped["exercises"]), stale
    for exercise, entry in computed["exercises"].items():
        old = shipped["exercises"][exercise]
        assert entry["hash"] == old["hash"] and sorted(entry["mistakes"]) == sorted(old["mistakes"]), stale
        # Tests that run here and where the file was made (a GPU machine runs more of them).
        common = set(entry["checked"]) & set(old["checked"])
        assert len(common) >= 0.5 * len(old["checked"]), stale
        for mistake, info in entry["mistakes"].items():
            assert set(info["fails"]) & common == set(old["mistakes"][mistake]["fails"]) & common, \
                f"{stale} ({exercise}/{mistake})"
