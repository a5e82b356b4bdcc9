"""GPU performance checks: timing, the targets table, ratios to a same-run reference.

A throughput target is never an absolute number of milliseconds: it is a ratio to
a reference implementation timed **in the same process, in the same run**, so it
holds on any GPU. The targets live in one table, ``kit/perf_targets.toml``.

Grading measures the implementation under test from the trusted side only
(:func:`throughput`): every repeat builds fresh inputs from an unpredictable seed
with a public input function (:mod:`kit.perf_inputs`), the trusted side times the
whole round trip with its own clock, and each repeat's output is checked against the
reference run on the same inputs: values at random positions, and a checksum with
random weights over every element (so computing only the checked positions fails).
While the implementation's processes are frozen, the trusted side times building the
same inputs (taken out of the implementation's time, so that only the function itself
is compared) and the reference. Nothing the student's code measures or reports about
its own speed is believed, and every comparison fails on NaN.

:func:`median_ms_local` (CUDA events, L2 flush, median) is for trusted code only: the
benchmarks in ``benchmarks/``.
"""

from __future__ import annotations

import statistics
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .boundary.handles import Remote

TARGETS_FILE = Path(__file__).with_name("perf_targets.toml")


@dataclass(frozen=True)
class Target:
    name: str
    exercise: str
    workload: str
    dtype: str
    reference: str
    min_ratio: float
    metric: str
    note: str = ""


def load_targets(path: Path = TARGETS_FILE) -> dict[str, Target]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: Target(name=name, **fields) for name, fields in data.items()}


def target(name: str) -> Target:
    targets = load_targets()
    if name not in targets:
        raise KeyError(f"no performance target {name!r} in {TARGETS_FILE.name}")
    return targets[name]


def _flush_buffer():
    import torch

    return torch.empty(256 * 1024 * 1024 // 4, dtype=torch.int32, device="cuda")


def median_ms_local(fn: Callable, args: tuple, kwargs: dict, *, warmup: int = 10, repeats: int = 50,
                    flush_l2: bool = True) -> tuple[float, Any, list[float]]:
    """Median time in ms of ``fn(*args, **kwargs)`` on the current CUDA device."""
    import torch

    out = None
    for _ in range(warmup):
        out = fn(*args, **kwargs)
    torch.cuda.synchronize()
    cache = _flush_buffer() if flush_l2 else None
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
    for i in range(repeats):
        if cache is not None:
            cache.zero_()
        starts[i].record()
        out = fn(*args, **kwargs)
        ends[i].record()
    torch.cuda.synchronize()
    times = [s.elapsed_time(e) for s, e in zip(starts, ends)]
    return statistics.median(times), out, times


@dataclass
class Timing:
    """What :func:`throughput` measured (milliseconds per call, medians over repeats).

    ``ms`` is the implementation's round trip less ``inputs_ms``, the time the trusted
    side took to build the same inputs; ``reference_ms`` is the reference alone."""

    ms: float
    reference_ms: float
    inputs_ms: float
    repeats: int
    checked: int
    problems: list[str]


# A timed output's checksum must match the reference's within CHECKSUM_SIGMAS standard
# deviations of an honest difference: one whose root-mean-square error is at most
# CHECKSUM_RTOL (or ``rtol``, if smaller) of the reference's root-mean-square, plus a floor
# of ``atol / 10^4`` per element. The checksum's difference is then normal with at most that
# spread, so such an output fails a repeat with a chance under 2e-9 (half-precision kernels
# are off by about 0.2 % root-mean-square: measured on the kit's own). An output whose wrong
# or missing elements carry a share m of the reference's sum of squares is off by sqrt(m) of
# it: it fails a repeat with a chance of 95 % for m = 1 and 55 % for m = 1 %, and a
# low-precision (FP8) computation, about 5 % off, fails 25 % of repeats.
CHECKSUM_SIGMAS = 6.0
CHECKSUM_RTOL = 1e-2
MAX_ELEMENTS = 1 << 40   # a reply's claimed shape beyond this is malformed


def _seed() -> int:
    import secrets

    return secrets.randbits(62)


def _wait_until_gpu_idle(limit_s: float = 5.0) -> bool:
    """True once the GPU reports no activity (NVML), False if it stays busy or cannot say."""
    import time

    import torch

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if torch.cuda.utilization() == 0:
                return True
        except Exception:  # noqa: BLE001 - no NVML: cannot tell
            return True
        time.sleep(0.05)
    return False


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def throughput(fn: Any, reference: Callable, inputs: str, *, input_kwargs: dict, device: str,
               repeats: int = 20, warmup: int = 3, keep: int | None = None, samples: int = 256,
               check: Callable[[list, list, tuple, dict], str | None] | None = None,
               atol: float = 2e-2, rtol: float = 2e-2) -> Timing:
    """Time ``fn`` (a function of the implementation under test) against ``reference``
    (a trusted function), both measured here, each repeat on fresh inputs.

    ``inputs`` names a public input function ``"kit.perf_inputs:name"`` called as
    ``f(seed, repeat_seed, **input_kwargs) -> (args, kwargs)`` on both sides. For each
    repeat the implementation returns its output's digest (shape, values at positions
    drawn from a third seed, a checksum of the whole output: ``timed_digest``); the
    trusted side compares it with the reference's on the same inputs (or runs
    ``check(shape, values, positions, args, kwargs)``, which returns a problem or
    ``None``, where outputs are random and only the sampled values can be judged).

    The implementation's processes are frozen while the trusted side builds the same
    inputs (timed: that time is taken out of the implementation's round trip) and runs
    the reference. A reference with a ``prepare(*args, **kwargs)`` attribute gets an
    untimed preparation that returns the function to time (the backward pass's forward
    graph). Timings include the round trip to the worker (about 0.1 ms).
    """
    import functools
    import time

    from .boundary.ops import kit_function, select_output, timed_digest

    if not isinstance(fn, Remote):
        raise TypeError("throughput() times a function of the implementation under test")
    make = kit_function(inputs)
    prepare = getattr(reference, "prepare", None)
    session = fn._kit_session
    mine: list[float] = []
    theirs: list[float] = []
    building: list[float] = []
    problems: list[str] = []
    checked = 0
    for i in range(warmup + repeats):
        seed, repeat_seed, sample_seed = _seed(), _seed(), _seed()
        request = {"inputs": inputs, "input_kwargs": input_kwargs, "seed": seed,
                   "repeat_seed": repeat_seed, "sample_seed": sample_seed, "samples": samples,
                   "keep": keep}
        started = time.perf_counter()
        reply = session.timed_call(fn, request)
        elapsed = time.perf_counter() - started
        pause = session.freeze()
        try:
            if not pause.complete:
                problems.append("your code kept running while it was paused (a long system call, "
                                "or a process that escaped its group?)")
            if device.startswith("cuda") and not _wait_until_gpu_idle():
                problems.append("the GPU stayed busy while your code was paused (work left running "
                                "in the background?)")
            _sync(device)
            started = time.perf_counter()
            args, kwargs = make(seed, repeat_seed, **input_kwargs)
            _sync(device)
            built = time.perf_counter() - started
            timed = prepare(*args, **kwargs) if prepare is not None else \
                functools.partial(reference, *args, **kwargs)
            _sync(device)
            started = time.perf_counter()
            expected = select_output(timed(), keep)
            expected_digest = timed_digest(expected, sample_seed, samples)
            ref_elapsed = time.perf_counter() - started
        finally:
            pause.resume()
        problem = _check_digest(reply, expected_digest, expected, args, kwargs, check, atol, rtol,
                                sample_seed, samples)
        checked += 1
        if problem:
            problems.append(f"repeat {i + 1}: {problem}")
        if i >= warmup:
            mine.append((elapsed - built) * 1e3)
            theirs.append(ref_elapsed * 1e3)
            building.append(built * 1e3)
    ms = statistics.median(mine)
    if not ms > 0:   # written so that NaN fails
        problems.append("the timed round trips took no longer than building their inputs here")
    return Timing(ms=ms, reference_ms=statistics.median(theirs), inputs_ms=statistics.median(building),
                  repeats=repeats, checked=checked, problems=problems)


def _check_digest(reply: Any, expected: list, expected_out: Any, args, kwargs, check, atol, rtol,
                  sample_seed: int, samples: int) -> str | None:
    """Compare one repeat's reply (``[shape, values, checksum]``, or three lists of them for
    a tuple output) with the reference's digest; every comparison is written so that NaN
    fails, and a reply of any other form is a problem, never an error."""
    import math

    from .boundary.ops import sample_positions

    if type(reply) is not list or len(reply) != 3:
        return "the timed call's reply is malformed"
    shape, values, checksum = reply
    if check is not None:
        if not _is_shape(shape) or not _are_floats(values, samples):
            return "the timed call's reply is malformed"
        positions = sample_positions(math.prod(shape), sample_seed, samples)
        return check(shape, values, positions, args, kwargs)
    if shape != expected[0]:
        return f"the output has shape(s) {shape}, expected {expected[0]}"
    several = bool(expected[0]) and type(expected[0][0]) is list
    if several:
        parts = len(expected[0])
        if type(values) is not list or type(checksum) is not list or len(values) != parts \
                or len(checksum) != parts:
            return "the timed call's reply is malformed"
        outs = list(expected_out)
    else:
        values, checksum, outs = [values], [checksum], [expected_out]
        expected = [expected[0], [expected[1]], [expected[2]]]
    for part, want_out in enumerate(outs):
        problem = _check_part(values[part], checksum[part], expected[1][part], expected[2][part],
                              want_out, atol, rtol)
        if problem:
            return f"output {part} of the tuple: {problem}" if several else problem
    return None


def _is_shape(shape: Any) -> bool:
    import math

    return type(shape) is list and len(shape) <= 8 and all(type(n) is int and n >= 0 for n in shape) \
        and math.prod(shape) <= MAX_ELEMENTS


def _are_floats(values: Any, count: int) -> bool:
    return type(values) is list and len(values) == count and all(type(v) is float for v in values)


def _check_part(got_values: Any, got_sum: Any, want_values: list, want_sum: float, want_out: Any,
                atol: float, rtol: float) -> str | None:
    """One tensor of a timed output: its sampled values, then its checksum."""
    import math

    import torch

    from .boundary.ops import root_sum_of_squares

    if not _are_floats(got_values, len(want_values)) or type(got_sum) is not float:
        return "the timed call's reply is malformed"
    got = torch.tensor(got_values, dtype=torch.float64)
    want = torch.tensor(want_values, dtype=torch.float64)
    close = (got - want).abs() <= atol + rtol * want.abs()     # False for NaN
    if not bool(close.all()):
        return f"{int((~close).sum())} of {len(got_values)} checked values of the timed output are wrong"
    flat = want_out.detach().reshape(-1)
    spread = min(rtol, CHECKSUM_RTOL) * root_sum_of_squares(flat) + 1e-4 * atol * math.sqrt(flat.numel())
    if not abs(got_sum - want_sum) <= CHECKSUM_SIGMAS * spread:
        return ("the checksum of the whole timed output does not match: values away from the "
                "checked positions are wrong (or were never computed, or computed too coarsely)")
    return None


def attention_flops(batch: int, heads: int, q_len: int, k_len: int, head_dim: int,
                    causal: bool) -> float:
    """Forward attention FLOPs: two matmuls of 2*L*S*D each, halved when causal."""
    flops = 4.0 * batch * heads * q_len * k_len * head_dim
    return flops / 2 if causal else flops


def attention_backward_flops(batch: int, heads: int, q_len: int, k_len: int, head_dim: int,
                             causal: bool) -> float:
    """Backward attention FLOPs, the usual convention: 2.5x the forward pass.

    Five matmuls of ``2*L*S*D`` each (recompute ``q k^T``; ``dp = do v^T``; ``dv``, ``dq``,
    ``dk``), halved when causal; a second recomputation in a separate dq kernel is not
    counted (FlashAttention-2 reports its backward throughput the same way).
    """
    return 2.5 * attention_flops(batch, heads, q_len, k_len, head_dim, causal)


def tflops(flops: float, ms: float) -> float:
    return flops / (ms * 1e-3) / 1e12


def device_name() -> str:
    import torch

    return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"


def check_ratio(target_name: str, measured: float, reference: float, record: Callable | None = None,
                *, higher_is_better: bool = True, what: str = "", **figures: float) -> float:
    """Compare ``measured`` with ``reference`` (same run) against the table's min ratio.

    ``measured``/``reference`` are throughputs (higher is better) or times (set
    ``higher_is_better=False``). Records the figures (``figures`` adds more, such as
    the milliseconds behind them), then fails with a message that gives both numbers
    and the ratio when the target is missed.
    """
    t = target(target_name)
    try:
        ratio = measured / reference if higher_is_better else reference / measured
    except ZeroDivisionError:
        ratio = float("nan")
    if record is not None:
        record(t.name, ratio, unit="x reference", device=device_name(),
               measured=round(measured, 4), reference=round(reference, 4), metric=t.metric,
               target=t.min_ratio, **figures)
    if not (ratio >= t.min_ratio):   # written so that NaN fails
        raise AssertionError(
            f"{what or t.name}: {ratio:.2f}x the reference ({t.reference}), target at least "
            f"{t.min_ratio:.2f}x on {device_name()}; measured {measured:.4g} vs reference "
            f"{reference:.4g} {t.metric}. {t.note}".strip())
    return ratio


def check_throughput(fn: Any, reference: Callable, inputs: str, input_kwargs: dict, *,
                     target_name: str, work: float, record: Callable | None, what: str,
                     device: str = "cuda", keep: int | None = None,
                     check: Callable | None = None, repeats: int = 20, warmup: int = 3) -> float:
    """:func:`throughput`, then the output checks, then the target (``work`` per call,
    e.g. FLOPs or tokens, turns times into throughputs)."""
    timing = throughput(fn, reference, inputs, input_kwargs=input_kwargs, device=device,
                        repeats=repeats, warmup=warmup, keep=keep, check=check)
    if timing.problems:
        shown = "; ".join(timing.problems[:3])
        more = f" (+{len(timing.problems) - 3} more)" if len(timing.problems) > 3 else ""
        raise AssertionError(f"{what}: the timed runs were not right: {shown}{more}")
    return check_ratio(target_name, work / timing.ms, work / timing.reference_ms, record, what=what,
                       ms=round(timing.ms, 4), reference_ms=round(timing.reference_ms, 4),
                       inputs_ms=round(timing.inputs_ms, 4))


def sdpa(backend: str):
    """PyTorch's attention with one backend (``"flash"``, ``"math"``, ``"cudnn"``): a
    reference for the timed runs, called as ``ref(q, k, v, is_causal=...)``."""
    def run(q, k, v, is_causal: bool = False):
        import torch.nn.functional as F
        from torch.nn.attention import SDPBackend, sdpa_kernel

        chosen = {"flash": SDPBackend.FLASH_ATTENTION, "math": SDPBackend.MATH,
                  "cudnn": SDPBackend.CUDNN_ATTENTION}[backend]
        with sdpa_kernel(chosen):
            return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    return run


def sdpa_backward(backend: str):
    """The backward pass of :func:`sdpa`'s attention, called like the backward exercise
    (``ref(do, q, k, v, out, lse, is_causal=...)``). Its ``prepare`` builds the forward
    graph (untimed, see :func:`throughput`) and returns the backward pass alone."""
    forward = sdpa(backend)

    def prepare(do, q, k, v, out, lse, is_causal: bool = False):
        import torch

        leaves = [t.detach().clone().requires_grad_() for t in (q, k, v)]
        ref_out = forward(*leaves, is_causal=is_causal)
        return lambda: torch.autograd.grad(ref_out, leaves, do)

    def run(do, q, k, v, out, lse, is_causal: bool = False):
        return prepare(do, q, k, v, out, lse, is_causal=is_causal)()

    run.prepare = prepare
    return run
