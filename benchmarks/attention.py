"""Attention throughput: the reference solution against PyTorch's SDPA backends.

For instructors calibrating the ``attention_vs_sdpa_math`` target of
``kit/perf_targets.toml`` on their own GPU. Prints one table: the device, then
for each implementation the time, TFLOP/s (forward FLOPs = 4*B*H*L*S*D, halved
when causal) and the ratio to PyTorch's SDPA *math* backend timed on the same
shape in the same run -- the ratio the graded test checks (target: >= 1.0x).

Rows: the reference ``solutions.attention.scaled_dot_product_attention`` (which
also returns the weights), SDPA's math backend, SDPA with PyTorch's default
choice of backend (flash / cuDNN / memory-efficient on a GPU), and a Python loop
over batch and heads (the mistake the target is there to catch) at a smaller
length, with its own math-backend reference.

    python benchmarks/attention.py                    # bf16 (4, 16, 4096, 64) on a GPU
    python benchmarks/attention.py --causal --seq 2048

Without a GPU it runs small float32 sizes on the CPU and says so: those figures
only show that the script works, not the GPU targets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.attention import SDPBackend, sdpa_kernel  # noqa: E402

from kit.perf import attention_flops, median_ms_local, target, tflops  # noqa: E402
from solutions.attention import scaled_dot_product_attention as reference  # noqa: E402

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def sdpa_math(q, k, v, is_causal=False):
    with sdpa_kernel(SDPBackend.MATH):
        return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)


def sdpa_default(q, k, v, is_causal=False):
    return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)


def loop_over_heads(q, k, v, is_causal=False):
    """The reference attention called once per (batch, head): what vectorising avoids."""
    B, H = q.shape[:2]
    out = torch.empty_like(q[..., : v.shape[-1]])
    weights = torch.empty(*q.shape[:-1], k.shape[-2], dtype=q.dtype, device=q.device)
    for b in range(B):
        for h in range(H):
            out[b, h], weights[b, h] = reference(q[b, h], k[b, h], v[b, h], is_causal=is_causal)
    return out, weights


def time_ms(fn, args, kwargs, *, cuda: bool, warmup: int, repeats: int) -> float:
    if cuda:
        ms, _, _ = median_ms_local(fn, args, kwargs, warmup=warmup, repeats=repeats)
        return ms
    for _ in range(warmup):
        fn(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def inputs(shape, dtype, device, seed=0):
    g = torch.Generator(device=device).manual_seed(seed)
    return tuple(torch.randn(*shape, generator=g, device=device, dtype=dtype) for _ in range(3))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--heads", type=int, default=None)
    parser.add_argument("--seq", type=int, default=None, help="L = S")
    parser.add_argument("--dim", type=int, default=64, help="head dimension D")
    parser.add_argument("--loop-seq", type=int, default=None, help="L = S for the loop over heads")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default=None)
    parser.add_argument("--causal", action="store_true")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)

    cuda = torch.cuda.is_available()
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        device, name = "cuda", torch.cuda.get_device_name()
        defaults = dict(batch=4, heads=16, seq=4096, loop_seq=1024, dtype="bf16", warmup=10, repeats=50)
    else:
        device, name = "cpu", f"CPU ({torch.get_num_threads()} threads)"
        defaults = dict(batch=2, heads=4, seq=256, loop_seq=128, dtype="fp32", warmup=2, repeats=5)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    dtype = DTYPES[args.dtype]
    B, H, L, D = args.batch, args.heads, args.seq, args.dim
    kwargs = {"is_causal": True} if args.causal else {}
    t = target("attention_vs_sdpa_math")

    print(f"device: {name}")
    if not cuda:
        print("no CUDA GPU: small float32 sizes on the CPU -- these figures only show that the "
              "script runs; the targets are for GPUs")
    print(f"dtype: {args.dtype}, causal: {args.causal}, target {t.name}: >= {t.min_ratio:.2f}x "
          f"{t.reference}")
    rows = []

    def measure(label, fn, shape, reference_ms=None):
        q, k, v = inputs(shape, dtype, device)
        ms = time_ms(fn, (q, k, v), kwargs, cuda=cuda, warmup=args.warmup, repeats=args.repeats)
        flops = attention_flops(shape[0], shape[1], shape[2], shape[2], shape[3], args.causal)
        rows.append((label, shape, ms, tflops(flops, ms), None if reference_ms is None else reference_ms / ms))
        del q, k, v
        if cuda:
            torch.cuda.empty_cache()
        return ms

    main_shape = (B, H, L, D)
    math_ms = measure("SDPA, math backend", sdpa_math, main_shape)
    rows[-1] = rows[-1][:4] + (1.0,)
    measure("reference solution (vectorised)", reference, main_shape, math_ms)
    measure("SDPA, default backend", sdpa_default, main_shape, math_ms)
    loop_shape = (B, H, args.loop_seq, D)
    loop_math_ms = measure("SDPA, math backend (loop's shape)", sdpa_math, loop_shape)
    rows[-1] = rows[-1][:4] + (1.0,)
    measure("Python loop over batch and heads", loop_over_heads, loop_shape, loop_math_ms)

    print()
    print(f"{'implementation':<36}{'shape (B, H, L, D)':>22}{'ms':>11}{'TFLOP/s':>10}{'vs math':>9}")
    for label, shape, ms, tf, ratio in rows:
        print(f"{label:<36}{str(shape):>22}{ms:>11.3f}{tf:>10.3g}{ratio:>8.2f}x")
    solution_ratio = rows[1][4]
    print()
    if not cuda:
        print(f"reference solution: {solution_ratio:.2f}x the math backend; loop over heads: "
              f"{rows[4][4]:.2f}x (CPU figures: no verdict on the GPU target)")
        return 0
    verdict = "clears" if solution_ratio >= t.min_ratio else "MISSES"
    print(f"reference solution: {solution_ratio:.2f}x the math backend -- {verdict} the "
          f"{t.min_ratio:.2f}x target; loop over heads: {rows[4][4]:.2f}x (should miss it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
