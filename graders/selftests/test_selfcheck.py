"""The self-check over every exercise: solutions pass, stubs fail by NotImplementedError,
every catalogued wrong implementation is killed (about 2-3 minutes on 2 cores)."""

import subprocess
import sys

import pytest

from kit.loader import REPO_ROOT


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_selfcheck_passes():
    proc = subprocess.run([sys.executable, "-m", "graders", "selfcheck"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=1450)
    print(proc.stdout[-6000:])
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "every wrong implementation is killed" in proc.stdout
    assert "SURVIVED" not in proc.stdout
