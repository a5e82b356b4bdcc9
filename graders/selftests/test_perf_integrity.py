"""The trusted-side timing protocol (``kit.perf.throughput``) against real attacks.

Each file in ``perf_attacks/`` is an ``attention.py`` run in a sandboxed worker (the
grading engine's own session). On the CPU the protocol is the same as on a GPU (wall
clock around each round trip, fresh inputs from unpredictable seeds, each repeat's
output checked at random positions against the reference, the worker frozen while the
reference runs); the GPU-only attacks (CUDA events, private streams, a GPU hog) run
where a GPU is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from graders.engine import workers
from kit.loader import ImplSpec
from kit.perf import check_ratio, sdpa, throughput
from kit.remote import ModuleProxy

HERE = Path(__file__).parent / "perf_attacks"
CPU_WORKLOAD = {"shape": [1, 4, 128, 32], "dtype": "float32", "device": "cpu"}


@pytest.fixture
def worker(tmp_path):
    sessions = []

    def start(attack: str, device: str = "cpu"):
        folder = tmp_path / attack
        folder.mkdir()
        shutil.copy(HERE / f"{attack}.py", folder / "attention.py")
        factory, _, _ = workers.session_factory("auto", call_timeout=60)
        session = factory(ImplSpec(label=str(folder), directory=folder, package=f"kit_perf_{attack}"))
        sessions.append(session)
        return ModuleProxy(session, "attention").scaled_dot_product_attention

    yield start
    for session in sessions:
        session.close()


def _timing(fn, device="cpu", workload=CPU_WORKLOAD, repeats=6):
    return throughput(fn, sdpa("math") if device == "cuda" else _cpu_reference,
                      "kit.perf_inputs:attention_inputs", input_kwargs=dict(workload, device=device),
                      device=device, repeats=repeats, warmup=1, keep=0, atol=1e-4, rtol=1e-4)


def _cpu_reference(q, k, v):
    return torch.nn.functional.scaled_dot_product_attention(q, k, v)


def test_an_honest_implementation_is_checked_and_timed(worker):
    timing = _timing(worker("honest"))
    assert timing.problems == [] and timing.checked == 7
    assert timing.ms > 0 and timing.reference_ms > 0


def test_memoised_repeats_are_caught(worker):
    timing = _timing(worker("memoised"))
    assert len(timing.problems) >= 5, timing.problems


def test_nan_output_and_patched_clocks_gain_nothing(worker):
    timing = _timing(worker("nan_and_timer"))
    assert len(timing.problems) == 7, timing.problems   # every repeat: NaN never compares close
    assert timing.ms > 0.01                              # the clock was the grader's, not theirs


def test_a_nan_ratio_fails_the_target():
    with pytest.raises(AssertionError):
        check_ratio("attention_vs_sdpa_math", float("nan"), 1.0)
    with pytest.raises(AssertionError):
        check_ratio("attention_vs_sdpa_math", 1.0, 0.0)


def test_background_work_does_not_slow_the_reference(worker):
    """The worker is frozen while the reference runs: its busy thread cannot steal the CPU
    from the reference (the reference's median stays within 2x of an undisturbed run)."""
    quiet = _timing(worker("honest"), repeats=8)
    hogged = _timing(worker("hog"), repeats=8)
    assert hogged.problems == []
    assert hogged.reference_ms < 2.0 * quiet.reference_ms + 0.5, (hogged.reference_ms, quiet.reference_ms)


GPU = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (the GPU attacks: "
                                                             "CUDA events, private streams, a GPU hog)")
GPU_WORKLOAD = {"shape": [2, 8, 1024, 64], "dtype": "bfloat16"}


@GPU
def test_gpu_memoised_and_nan_are_caught(worker):
    for attack in ("memoised", "nan_and_timer"):
        timing = _timing(worker(attack), device="cuda", workload=GPU_WORKLOAD)
        assert timing.problems, attack


@GPU
def test_gpu_private_stream_and_hog_do_not_pay(worker):
    """Work left on a private stream is still running when the reference is timed: the
    grader waits for an idle GPU (or reports it), so the reference is not slowed."""
    quiet = _timing(worker("honest"), device="cuda", workload=GPU_WORKLOAD)
    hogged = _timing(worker("hog"), device="cuda", workload=GPU_WORKLOAD)
    busy = [p for p in hogged.problems if "busy" in p]
    assert busy or hogged.reference_ms < 1.5 * quiet.reference_ms, (hogged, quiet)
