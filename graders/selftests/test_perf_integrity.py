"""The trusted-side timing protocol (``kit.perf.throughput``) against real attacks.

Each file in ``perf_attacks/`` is an ``attention.py`` (or, for the backward pass, a
``flash_attention_backward.py``) run in a sandboxed worker (the grading engine's own
session). On the CPU the protocol is the same as on a GPU (wall clock around each round
trip, fresh inputs from unpredictable seeds, each repeat's output checked at random
positions and by a checksum of every element against the reference, the worker frozen
while the trusted side builds the inputs and runs the reference); the GPU-only attacks
(CUDA events, private streams, a GPU hog) run where a GPU is.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import torch

from graders.engine import workers
from graders.engine.sandbox import with_token
from graders.test_attention import sdpa_math_with_weights
from kit.loader import ImplSpec
from kit.perf import check_ratio, sdpa_backward, throughput
from kit.perf_inputs import attention_backward_inputs
from kit.remote import ModuleProxy

HERE = Path(__file__).parent / "perf_attacks"
CPU_WORKLOAD = {"shape": [1, 4, 128, 32], "dtype": "float32", "device": "cpu"}


@pytest.fixture
def worker(tmp_path):
    sessions = []

    def start(attack: str, device: str = "cpu", module: str = "attention",
              function: str = "scaled_dot_product_attention"):
        folder = tmp_path / attack
        folder.mkdir()
        shutil.copy(HERE / f"{attack}.py", folder / f"{module}.py")
        factory, _, _ = workers.session_factory("auto", call_timeout=60)
        session = factory(ImplSpec(label=str(folder), directory=folder, package=f"kit_perf_{attack}"))
        sessions.append(session)
        return getattr(ModuleProxy(session, module), function)

    yield start
    for session in sessions:
        session.close()


def _timing(fn, device="cpu", workload=CPU_WORKLOAD, repeats=6):
    return throughput(fn, sdpa_math_with_weights, "kit.perf_inputs:attention_inputs",
                      input_kwargs=dict(workload, device=device), device=device, repeats=repeats,
                      warmup=1, atol=1e-4, rtol=1e-4)


def test_an_honest_implementation_is_checked_and_timed(worker):
    timing = _timing(worker("honest"))
    assert timing.problems == [] and timing.checked == 7
    assert timing.ms > 0 and timing.reference_ms > 0 and timing.inputs_ms > 0


def test_computing_only_the_checked_positions_is_caught(worker):
    """The sampled positions are known before the call; an implementation that computes
    just those rows passes every sampled value but not the checksum of the whole output."""
    timing = _timing(worker("checked_positions_only"))
    assert len(timing.problems) >= 5, timing.problems
    assert all("checksum" in p for p in timing.problems), timing.problems


def test_a_timed_call_must_return_every_part_of_the_output(worker):
    """Code that runs differently when timed and skips the weights fails every timed repeat
    (the session reports the call's error), and a backward pass that replies with the right
    shapes and nothing else gets a problem on every repeat."""
    with pytest.raises(TypeError, match="not a tensor"):
        _timing(worker("timed_path_swap"))
    forged = _backward_timing(worker("empty_parts", module="flash_attention_backward",
                                     function="flash_attention_backward"))
    assert len(forged.problems) == forged.checked == 7, forged.problems
    assert all("malformed" in p for p in forged.problems), forged.problems


def _backward_timing(fn, repeats=6):
    backward = {"shape": [1, 2, 64, 16], "dtype": "float32", "device": "cpu", "is_causal": True}
    return throughput(fn, sdpa_backward("math"), "kit.perf_inputs:attention_backward_inputs",
                      input_kwargs=backward, device="cpu", repeats=repeats, warmup=1,
                      atol=1e-4, rtol=1e-4)


def test_the_backward_pass_is_timed_on_fresh_inputs(worker):
    """An honest backward pass matches the reference on every repeat (its forward graph is
    built for each repeat's own q, k, v); a backward that reuses the softmax of inputs it
    has seen never finds any to reuse (each miss costs it 50 ms, and its median shows it)."""
    honest = _backward_timing(worker("honest_backward", module="flash_attention_backward",
                                     function="flash_attention_backward"))
    assert honest.problems == [] and honest.checked == 7 and honest.inputs_ms > 0
    cache = _backward_timing(worker("softmax_cache", module="flash_attention_backward",
                                    function="flash_attention_backward"))
    assert cache.problems == [] and cache.ms > 45, cache


def test_backward_inputs_share_nothing_between_repeats():
    """Every tensor of a repeat is drawn from that repeat's seed (seeds that agree modulo 4,
    as the backward inputs once did, share nothing); the same seeds give the same tensors,
    so both sides of the boundary agree."""
    kwargs = {"shape": (1, 2, 16, 8), "dtype": "float32", "device": "cpu", "is_causal": False}
    (first, _), (second, _) = (attention_backward_inputs(7, s, **kwargs) for s in (1000, 1004))
    for name, a, b in zip(("do", "q", "k", "v", "out", "lse"), first, second):
        assert not torch.equal(a, b), f"{name} repeats between repeats"
    again, _ = attention_backward_inputs(7, 1000, **kwargs)
    assert all(torch.equal(a, b) for a, b in zip(first, again))


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


def _cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime + stime
        except (OSError, IndexError):
            continue
    return total


@pytest.mark.parametrize("freezer", ["cgroup", "signals"])
def test_a_process_in_a_long_system_call_is_waited_for(worker, monkeypatch, freezer):
    """A freeze waits until every process of the worker has stopped -- with the cgroup
    freezer, and with SIGSTOP where there is no cgroup: one that loops over a long system
    call uses no CPU between the freeze and the resume (it used up to 160 ms of every 200 ms
    when the freeze did not wait)."""
    if freezer == "signals":
        monkeypatch.setattr(workers.WorkerCgroup, "create", classmethod(lambda cls, *a, **k: None))
    fn = worker("kernel_hog")
    session = fn._kit_session
    q = torch.randn(1, 2, 16, 8)
    fn(q, q, q)
    if freezer == "cgroup" and session.cgroup is None:
        pytest.skip("no writable cgroup on this host: only the SIGSTOP freeze applies")
    assert (session.cgroup is None) == (freezer == "signals")
    pids = with_token(session._token)   # the grader's own search, used by its kill sweep
    assert len(pids) >= 2, pids     # the worker and its helper
    _assert_idle_while_frozen(session, pids)


def _assert_idle_while_frozen(session, pids, rounds=5):
    """Freeze ``session`` ``rounds`` times: each freeze is complete and ``pids`` use no CPU
    (one clock tick of slack) in the 100 ms that follow."""
    for _ in range(rounds):
        pause = session.freeze()
        try:
            assert pause.complete
            before = _cpu_ticks(pids)
            time.sleep(0.1)
            assert _cpu_ticks(pids) - before <= 1
        finally:
            pause.resume()
        time.sleep(0.05)


def _pids_running(marker):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("freezer", ["cgroup", "signals"])
def test_processes_that_leave_the_worker_are_frozen_too(worker, monkeypatch, freezer):
    """Helpers started without the worker's environment, re-parented away from it and in a
    session of their own, spin only while the worker is stopped: they are frozen with it
    (by the cgroup, or, without one, found in the process tree of the grader, a child
    subreaper), use no CPU while it is, and are gone once the worker is."""
    from graders.engine import workers as engine_workers

    if freezer == "signals":
        monkeypatch.setattr(engine_workers.WorkerCgroup, "create", classmethod(lambda cls, *a, **k: None))
    fn = worker("escaped_hog")
    session = fn._kit_session
    q = torch.randn(1, 2, 16, 8)
    fn(q, q, q)
    if freezer == "cgroup" and session.cgroup is None:
        pytest.skip("no writable cgroup on this host: only the SIGSTOP freeze applies")
    helpers = _pids_running("kit-escaped-hog-helper")
    assert len(helpers) == 4, helpers
    _assert_idle_while_frozen(session, helpers)
    session.close()
    time.sleep(0.2)
    assert _pids_running("kit-escaped-hog-helper") == []


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


def _digest_problem(reply, out, check=None):
    from kit.boundary.ops import timed_digest
    from kit.perf import _check_digest

    return _check_digest(reply, timed_digest(out, 5, 16), out, (), {}, check, 1e-4, 1e-4, 5, 16)


def test_a_forged_or_nan_digest_is_a_problem():
    """The reply is plain data from the worker: a wrong shape, a missing or NaN checksum, a
    checksum where a list of them belongs, missing parts of a tuple, NaN values, too few
    sampled values, or an absurd shape are each a problem, never a crash or a pass."""
    from kit.boundary.ops import timed_digest

    one = torch.randn(4, 8)
    three = tuple(torch.randn(4, 8) for _ in range(3))
    assert _digest_problem(timed_digest(one, 5, 16), one) is None
    assert _digest_problem(timed_digest(three, 5, 16), three) is None
    shape, values, checksum = timed_digest(one, 5, 16)
    forged = [[shape, values], [shape, values, float("nan")], [shape, values, "1.0"],
              [[4, 9], values, checksum], [shape, [float("nan")] * 16, checksum],
              [shape, values[:4], checksum], "text"]
    for reply in forged:
        assert _digest_problem(reply, one), reply
    shapes, values3, sums = timed_digest(three, 5, 16)
    for reply in ([shapes, values3, sums[0]], [shapes, values3, sums[:2]], [shapes, [], sums],
                  [shapes, [], ["junk", None, 0.0]], [shapes, values3[:1], sums],
                  [shapes, values3, [sums[0], sums[1], float("inf")]]):
        assert _digest_problem(reply, three), reply
    def anything(*_):
        return None
    for reply in ([[10 ** 19, 10 ** 19], values, checksum], [shape, values[:1], checksum]):
        assert _digest_problem(reply, one, check=anything) == "the timed call's reply is malformed"


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
@pytest.mark.parametrize("causal", [False, True])
def test_backward_inputs_hold_the_forward_pass_of_q_k_v(dtype, causal, monkeypatch):
    """``out`` and ``lse`` are the forward pass of the drawn q, k, v, built by PyTorch's fused
    kernel where it agrees with plain operations (on this CPU it does) and by plain
    operations otherwise; both give the same inputs."""
    from kit import perf_inputs

    kwargs = {"shape": (2, 2, 48, 16), "dtype": dtype, "device": "cpu", "is_causal": causal}
    (do, q, k, v, out, lse), _ = attention_backward_inputs(0, 77, **kwargs)
    s = (q.double() @ k.double().transpose(-2, -1)) / 4.0
    if causal:
        s = s.masked_fill(~torch.ones(48, 48, dtype=torch.bool).tril(), float("-inf"))
    want_lse = torch.logsumexp(s, dim=-1)
    want_out = torch.softmax(s, dim=-1) @ v.double()
    tol = 1e-5 if dtype == "float32" else 1e-2
    key = ("cpu", getattr(torch, dtype), (48, 16), causal)
    assert perf_inputs.FUSED_FORWARD_AGREES[key] is True
    for fused in (True, False):
        monkeypatch.setitem(perf_inputs.FUSED_FORWARD_AGREES, key, fused)
        (_, _, _, _, out, lse), _ = attention_backward_inputs(0, 77, **kwargs)
        assert lse.dtype == torch.float32 and out.dtype == q.dtype
        assert lse.is_contiguous() and out.is_contiguous()
        assert torch.allclose(lse.double(), want_lse, atol=tol)
        assert torch.allclose(out.double(), want_out, atol=tol)


def test_the_checksum_tells_honest_rounding_from_coarse_arithmetic():
    """The checksum's tolerance, measured over 300 weight draws each: an output 0.5 % off
    (root-mean-square; half-precision kernels are about that far from the float32
    reference) never fails, one 5 % off (FP8-like arithmetic) fails about a quarter of the
    time (so over a timed run's 23 repeats it fails), one with 1 % of its elements missing
    about half the time. The bounds are 5 standard deviations wide (false failure under 1e-6
    for any draw of the data; this one is fixed)."""
    from kit.boundary.ops import weighted_sum
    from kit.perf import _check_part

    g = torch.Generator().manual_seed(0)
    out = torch.randn(128, 256, generator=g)
    noise = torch.randn(out.shape, generator=g)
    rms = float(out.pow(2).mean().sqrt())
    missing = out.clone()
    missing.view(-1)[: out.numel() // 100] = 0.0
    candidates = {"0.5 %": out + 0.005 * rms * noise, "5 %": out + 0.05 * rms * noise, "1 % missing": missing}
    failures = dict.fromkeys(candidates, 0)
    for seed in range(300):
        want_sum = weighted_sum(out.reshape(-1), seed)
        for name, got in candidates.items():
            problem = _check_part([0.0], weighted_sum(got.reshape(-1), seed), [0.0], want_sum, out,
                                  2e-2, 2e-2)
            failures[name] += problem is not None
    assert failures["0.5 %"] == 0, failures
    assert 40 <= failures["5 %"] <= 120, failures        # expected 79 (26 %)
    assert failures["1 % missing"] >= 40, failures
