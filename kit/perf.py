"""GPU performance checks: timing, the targets table, ratios to a same-run reference.

A throughput target is never an absolute number of milliseconds: it is a ratio to
a reference implementation timed **in the same process, in the same run**, so it
holds on any GPU. The targets live in one table, ``kit/perf_targets.toml``.

Timing (:func:`median_ms`): inputs made fresh from a seed by the caller, warm-up
first, then many repeats each timed with CUDA events, the L2 cache flushed
between repeats, the median reported. The output of the timed call is returned
so the test checks it for correctness in the same test.
"""

from __future__ import annotations

import statistics
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .remote import Remote

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


def median_ms(fn: Any, *args: Any, warmup: int = 10, repeats: int = 50, keep: int | None = None,
              **kwargs: Any) -> tuple[float, Any]:
    """Time a trusted function or a function of the implementation under test.

    For the implementation under test the timing runs where its code runs (in the
    grading worker, too), and the last output comes back as plain data. ``keep=i``
    returns only item ``i`` of a tuple output (e.g. attention's output without its
    2 GiB weights).
    """
    from .remote import select_output

    if isinstance(fn, Remote):
        return fn._kit_session.time_call(fn, args, kwargs, warmup=warmup, repeats=repeats, keep=keep)
    ms, out, _ = median_ms_local(fn, args, kwargs, warmup=warmup, repeats=repeats)
    return ms, select_output(out, keep)


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
                *, higher_is_better: bool = True, what: str = "") -> float:
    """Compare ``measured`` with ``reference`` (same run) against the table's min ratio.

    ``measured``/``reference`` are throughputs (higher is better) or times (set
    ``higher_is_better=False``). Records the figures, then fails with a message
    that gives both numbers and the ratio when the target is missed.
    """
    t = target(target_name)
    ratio = measured / reference if higher_is_better else reference / measured
    if record is not None:
        record(t.name, ratio, unit="x reference", device=device_name(),
               measured=round(measured, 4), reference=round(reference, 4), metric=t.metric,
               target=t.min_ratio)
    if ratio < t.min_ratio:
        raise AssertionError(
            f"{what or t.name}: {ratio:.2f}x the reference ({t.reference}), target at least "
            f"{t.min_ratio:.2f}x on {device_name()}; measured {measured:.4g} vs reference "
            f"{reference:.4g} {t.metric}. {t.note}".strip())
    return ratio
