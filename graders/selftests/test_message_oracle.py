"""Hidden-test messages are no oracle for the expected values (trust rule 4).

A submission whose ``compute_costs`` functions return the reference's answer times 1.37
(``malicious/compute_costs/scaled_answers.py``) is graded through the real engine; a
resubmitting student would read its failures to learn the expected values. Every failing hidden message must say what is wrong in
words only: no number with a decimal point or an exponent that the student has not
already seen in the stub or the public tests, so neither the error size nor the
expected value (nor a hidden input) can be read back.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kit.loader import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ATTACK = REPO_ROOT / "graders" / "selftests" / "malicious" / "compute_costs" / "scaled_answers.py"
NUMBER = re.compile(r"(?<![\w.])[-+]?(\d+\.\d*|\.\d+|\d+[eE][-+]?\d+)")


def test_failing_hidden_messages_carry_no_numbers(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    source = (REPO_ROOT / "solutions" / "compute_costs.py").read_text(encoding="utf-8")
    (folder / "compute_costs.py").write_text(f"{source}\n\n{ATTACK.read_text(encoding='utf-8')}",
                                              encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", str(folder), "--out", str(out),
                           "--exercise", "compute_costs"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=550)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    failing = [t for t in results["tests"] if t["status"] == "failed"]
    assert len(failing) >= 5, "the scaled answers should fail most value tests"
    public = set()
    for path in (REPO_ROOT / "exercises" / "compute_costs.py", REPO_ROOT / "tests" / "test_compute_costs.py"):
        public |= {float(n) for n in NUMBER.findall(path.read_text(encoding="utf-8").replace("_", ""))}
    leaks = {t["name"]: [n for n in NUMBER.findall(t["output"]) if float(n) not in public]
             for t in failing}
    leaks = {name: numbers for name, numbers in leaks.items() if numbers}
    assert not leaks, f"hidden messages show numbers students have not seen: {leaks}"
