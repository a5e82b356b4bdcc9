"""Hints about the mistake, not about the test: where a hidden test can fail for several
reasons, its message names the one the output shows (issue 15, part 2).

Each case runs one hidden test against a catalogued wrong implementation and reads the
failure message: the right diagnosis must be there, the wrong ones must not.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kit.loader import REPO_ROOT

CASES = [
    # (exercise, mutant, test, must say, must not say)
    ("positional_encoding", "sin_cos_swapped", "test_base_argument", "swapped", "constant 10000"),
    ("positional_encoding", "sin_cos_swapped", "test_matches_the_paper", "swapped", "constant 10000"),
    ("positional_encoding", "ignores_base", "test_base_argument", "constant 10000", "swapped"),
    ("positional_encoding", "halves_concatenated", "test_matches_the_paper", "first half", "constant 10000"),
    ("positional_encoding", "exponent_uses_column_index", "test_matches_the_paper", "share one angle",
     "swapped"),
    ("attention", "large_negative_instead_of_inf", "test_gradients_are_finite_with_fully_masked_rows",
     "finite but wrong", "NaN in the gradient"),
    ("attention", "large_negative_instead_of_inf", "test_fully_masked_rows_are_zero_never_nan",
     "uniform weights", "NaN"),
    ("attention", "nan_for_fully_masked_rows", "test_gradients_are_finite_with_fully_masked_rows",
     "NaN in the gradient", "finite but wrong"),
]


@pytest.mark.slow
@pytest.mark.parametrize("exercise,mutant,test,says,not_says", CASES,
                         ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_failure_names_the_mistake(exercise, mutant, test, says, not_says):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--no-points", "--tb=short",
                           "--impl", f"mutant:{exercise}:{mutant}", f"graders/test_{exercise}.py::{test}"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    out = proc.stdout
    assert proc.returncode == 1 and "failed" in out, f"{mutant} should fail {test}:\n{out[-3000:]}"
    failures = out[out.find("FAILURES"):]
    assert says in failures, f"the failure of {test} on {mutant} should say {says!r}:\n{failures[-3000:]}"
    assert not_says not in failures, \
        f"the failure of {test} on {mutant} should not say {not_says!r}:\n{failures[-3000:]}"
