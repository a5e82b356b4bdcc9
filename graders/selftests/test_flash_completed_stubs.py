"""The flash-attention stubs, completed the plain way a student would, pass every test.

This checks the code the stubs give (launchers, the forward kernel's lse store, the
autograd wiring of flash_attention_backward): a student who writes the TODOs right gets
full marks. The same completed stubs are the templates of the catalogued wrong kernels
(``graders/mutants/flash_attention/_common.py``), so each mutant is one mistake away
from a correct kernel.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.triton

ROOT = Path(__file__).resolve().parents[2]


def test_completed_stubs_pass_the_public_tests_and_the_graders(tmp_path):
    from graders.mutants.flash_attention._common import completed_backward_stub, completed_forward_stub

    (tmp_path / "flash_attention.py").write_text(completed_forward_stub(), encoding="utf-8")
    (tmp_path / "flash_attention_backward.py").write_text(completed_backward_stub(),
                                                          encoding="utf-8")
    files = [f"{folder}/test_{name}.py" for folder in ("tests", "graders")
             for name in ("flash_attention", "flash_attention_backward")]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *files, "--impl", str(tmp_path), "-q",
         "-p", "no:cacheprovider", "--no-points", "-m", "not slow", "-W", "error::RuntimeWarning"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    tail = "\n".join(run.stdout.splitlines()[-30:])
    assert run.returncode == 0, f"the completed stubs fail some tests:\n{tail}\n{run.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail, tail


def test_an_edit_that_does_not_apply_is_an_error():
    from graders.mutants.flash_attention._common import backward_mutant, forward_mutant

    with pytest.raises(ValueError, match="once"):
        forward_mutant(("this text is not in the kernel", "x"))
    with pytest.raises(ValueError, match="once"):
        backward_mutant(("this text is not in the kernel", "x"))
