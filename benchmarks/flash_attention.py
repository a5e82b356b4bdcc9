"""Benchmark of the flash_attention kernel against PyTorch's attention backends (needs CUDA).

    python benchmarks/flash_attention.py            # every case, every row
    python benchmarks/flash_attention.py --quick    # bf16 cases only, fewer repeats,
                                                    # no math / vectorised rows
    python benchmarks/flash_attention.py --impl PATH   # time another implementation
    python benchmarks/flash_attention.py --strict   # exit 1 when a target is missed
    python benchmarks/flash_attention.py --jobs 0   # no parallel compile first
    python benchmarks/flash_attention.py --no-tma   # without the pointer-load comparison row

Per case ((B, H, L, D) = (4, 16, 4096, 64) and (2, 16, 4096, 128); bf16 and fp16;
causal and not) it prints, in TFLOP/s (forward FLOPs 4*B*H*L*S*D, halved when causal):
the implementation's kernel, SDPA's flash backend, SDPA's cuDNN backend, SDPA's math
backend (at L = 1024 only, to save time: the row says so) and vectorised PyTorch
(matmul, softmax, matmul); then the kernel's ratios to flash and cuDNN against the
reference solution's targets in kit/perf_targets.toml (>= 1.0x flash and >= 0.8x
cuDNN in every case). Every output is checked against a float32 reference on the
first two heads of the first sequence. A backend that fails is reported in its row;
the table goes on. When the implementation has a ``USE_TMA`` switch (the reference
does: TMA tile loads on sm_90+), an extra row times it with plain pointer loads. Before the table, the kernels of every case are compiled in
parallel processes (Triton's on-disk cache is shared), so the autotuner's compiles do
not run one after the other; a later pytest run reuses that cache.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import platform
import sys
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import triton  # noqa: E402

from kit.perf import attention_flops, median_ms_local, target, tflops  # noqa: E402

LOG2E = 1.4426950408889634

SHAPES = [(4, 16, 4096, 64), (2, 16, 4096, 128)]
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}
MATH_L = 1024  # SDPA math materialises everything in fp32: time it at a shorter length
TOL = {torch.bfloat16: 2e-2, torch.float16: 4e-3}  # atol = rtol for the output check


def sdpa_backend(backend_name):
    from torch.nn.attention import SDPBackend, sdpa_kernel

    backend = getattr(SDPBackend, backend_name)

    def run(q, k, v, is_causal):
        with sdpa_kernel(backend):
            return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    return run


def vectorised(q, k, v, is_causal):
    scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if is_causal:
        L, S = scores.shape[-2:]
        mask = torch.ones(L, S, dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
    return torch.matmul(torch.softmax(scores.float(), dim=-1).to(q.dtype), v)


def reference_slice(q, k, v, is_causal):
    """float32 attention of the first two heads of the first sequence."""
    q, k, v = (t[:1, :2].float() for t in (q, k, v))
    return sdpa_backend("MATH")(q, k, v, is_causal)


def check(out, ref, dtype):
    got = out[:1, :2].float()
    err = (got - ref).abs()
    bad = err > TOL[dtype] * (1 + ref.abs())
    if torch.isnan(got).any():
        return "FAIL (NaN)"
    return f"FAIL (max err {err.max().item():.2g})" if bad.any() else "ok"


def device_floors(repeats):
    """Measured copy bandwidth and bf16 matmul throughput of this GPU (context for the table)."""
    x = torch.empty(256 * 1024 * 1024, dtype=torch.float32, device="cuda")
    y = torch.empty_like(x)
    ms, _, _ = median_ms_local(y.copy_, (x,), {}, warmup=3, repeats=repeats, flush_l2=False)
    bandwidth = 2 * x.numel() * 4 / (ms * 1e-3) / 1e12
    del x, y
    a = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda")
    ms, _, _ = median_ms_local(torch.matmul, (a, a), {}, warmup=3, repeats=repeats)
    return bandwidth, tflops(2 * 8192 ** 3, ms)


def time_row(fn, args, kwargs, flops, warmup, repeats, check_output=None):
    """(TFLOP/s, ``check_output(out)`` or "-") or (None, reason) -- never raises."""
    try:
        ms, out, _ = median_ms_local(fn, args, kwargs, warmup=warmup, repeats=repeats)
        status = check_output(out) if check_output is not None else "-"
        del out
        return tflops(flops, ms), status
    except Exception as exc:  # noqa: BLE001 - one failing backend must not stop the table
        message = str(exc).strip().splitlines()[0][:90] if str(exc).strip() else ""
        return None, f"n/a ({type(exc).__name__}: {message})"
    finally:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()


def tma_available(module) -> bool:
    return hasattr(module, "USE_TMA") and getattr(module, "TensorDescriptor", None) is not None \
        and torch.cuda.get_device_capability()[0] >= 9


def pointer_loads(module):
    """The implementation's kernel with its TMA switch off (for the comparison row)."""
    def run(q, k, v, is_causal=False):
        module.USE_TMA = False
        try:
            return module.flash_attention(q, k, v, is_causal=is_causal)
        finally:
            module.USE_TMA = True
    return run


def _warm_one(impl, H, L, D, dtype_name, causal, tma):
    """Compile (and let the autotuner try) one case's kernels in a separate process.

    (1, H, L, D) gets the same Triton specialisation as the benchmark's (B, H, L, D), so
    the binaries land in Triton's on-disk cache, shared by every later process; the
    timings of this contended run are thrown away with the process.
    """
    try:
        from kit.loader import import_exercise, resolve

        module = import_exercise(resolve(impl), "flash_attention")
        q, k, v = (torch.randn(1, H, L, D, device="cuda", dtype=DTYPES[dtype_name])
                   for _ in range(3))
        module.flash_attention(q, k, v, is_causal=causal)
        if tma:
            pointer_loads(module)(q, k, v, is_causal=causal)
        torch.cuda.synchronize()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, never fatal
        return f"{type(exc).__name__}: {exc}"


def warm_compile_cache(impl, dtypes, jobs, tma, timeout_s=600):
    cases = [(impl, H, L, D, name, causal, tma) for (_, H, L, D) in SHAPES for name in dtypes
             for causal in (False, True)]
    t0 = time.perf_counter()
    pool = multiprocessing.get_context("spawn").Pool(min(jobs, len(cases)))
    try:
        results = pool.starmap_async(_warm_one, cases).get(timeout=timeout_s)
    except Exception as exc:  # noqa: BLE001 - a slow or broken warm-up must not stop the table
        print(f"compile cache warm-up stopped after {time.perf_counter() - t0:.0f} s "
              f"({type(exc).__name__}: {exc}); the table compiles what is missing")
        return
    finally:
        pool.terminate()
        pool.join()
    bad = [f"D={c[3]} {c[4]} causal={c[5]}: {r}" for c, r in zip(cases, results) if r != "ok"]
    print(f"compile cache warmed in {time.perf_counter() - t0:.0f} s ({len(cases)} cases in "
          f"{min(jobs, len(cases))} processes)" + ("; failed: " + "; ".join(bad) if bad else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="bf16 cases only, fewer repeats, no math / vectorised rows")
    parser.add_argument("--impl", default="solutions",
                        help="implementation to time: solutions (default), exercises or a folder")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a case misses a target or an output is wrong")
    parser.add_argument("--no-tma", action="store_true",
                        help="skip the row timing the reference with pointer loads")
    parser.add_argument("--jobs", type=int, default=8,
                        help="processes compiling the kernels in parallel first (0: compile "
                             "serially on first use)")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("benchmarks/flash_attention.py needs a CUDA GPU (torch.cuda.is_available() is False)")
        return 2

    from kit.loader import import_exercise, resolve

    module = import_exercise(resolve(args.impl), "flash_attention")
    warmup, repeats = (3, 10) if args.quick else (10, 50)
    dtypes = {"bf16": DTYPES["bf16"]} if args.quick else DTYPES
    flash_min = target("flash_attention_solution_vs_sdpa_flash").min_ratio
    cudnn_min = target("flash_attention_solution_vs_sdpa_cudnn").min_ratio

    print(f"device: {torch.cuda.get_device_name()} | torch {torch.__version__} | triton "
          f"{triton.__version__} | python {platform.python_version()} | impl {args.impl}")
    try:
        bandwidth, matmul = device_floors(repeats)
        print(f"this GPU: device copy {bandwidth:.2f} TB/s, 8192^3 bf16 matmul "
              f"{matmul:.0f} TFLOP/s")
    except Exception as exc:  # noqa: BLE001
        print(f"this GPU: could not measure floors ({type(exc).__name__}: {exc})")
    print(f"targets for the reference kernel: >= {flash_min:.2f}x SDPA flash, >= {cudnn_min:.2f}x "
          f"SDPA cuDNN, every case")
    tma = not args.no_tma and tma_available(module)
    if args.jobs > 0:
        warm_compile_cache(args.impl, list(dtypes), args.jobs, tma)
    print()

    rows = []  # (case, kernel, flash, cudnn, TMA variant) TFLOP/s
    failures = []
    header = f"  {'implementation':<34}{'TFLOP/s':>9}   check"
    for (B, H, L, D) in SHAPES:
        for dname, dtype in dtypes.items():
            for causal in (False, True):
                case = f"{dname} (B,H,L,D)=({B},{H},{L},{D}) {'causal' if causal else 'non-causal'}"
                flops = attention_flops(B, H, L, L, D, causal)
                bytes_moved = 4 * B * H * L * D * torch.finfo(dtype).bits // 8
                print(f"== {case}: {flops / 1e9:.1f} GFLOP, >= {bytes_moved / 1e6:.0f} MB of "
                      f"q/k/v/out traffic ({flops / bytes_moved:.0f} FLOP/byte)")
                print(header)
                g = torch.Generator(device="cuda").manual_seed(0)
                q, k, v = (torch.randn(B, H, L, D, generator=g, device="cuda", dtype=dtype)
                           for _ in range(3))
                ref = reference_slice(q, k, v, causal)
                results = {}
                t0 = time.perf_counter()
                try:
                    module.flash_attention(q, k, v, is_causal=causal)  # compile + autotune
                    torch.cuda.synchronize()
                    first = f"first call (compile, autotune) {time.perf_counter() - t0:.1f} s"
                except Exception as exc:  # noqa: BLE001
                    first = f"first call failed: {type(exc).__name__}: {exc}"
                    traceback.print_exc(limit=3)
                entries = [
                    ("kernel", "flash_attention (" + args.impl + ")", module.flash_attention,
                     (q, k, v), {"is_causal": causal}, flops, ref),
                ]
                if tma:
                    entries.append(("tma", "same, pointer loads (no TMA)", pointer_loads(module),
                                    (q, k, v), {"is_causal": causal}, flops, ref))
                entries += [
                    ("flash", "SDPA flash backend", sdpa_backend("FLASH_ATTENTION"),
                     (q, k, v, causal), {}, flops, ref),
                    ("cudnn", "SDPA cuDNN backend", sdpa_backend("CUDNN_ATTENTION"),
                     (q, k, v, causal), {}, flops, ref),
                ]
                if not args.quick:
                    qs, ks, vs = (t[:, :, :MATH_L].contiguous() for t in (q, k, v))
                    entries += [
                        ("math", f"SDPA math backend (at L={MATH_L})", sdpa_backend("MATH"),
                         (qs, ks, vs, causal), {}, attention_flops(B, H, MATH_L, MATH_L, D, causal),
                         None),
                        ("vectorised", "vectorised PyTorch (matmul/softmax)", vectorised,
                         (q, k, v, causal), {}, flops, ref),
                    ]
                for key, label, fn, fargs, fkwargs, fl, rf in entries:
                    value, status = time_row(fn, fargs, fkwargs, fl, warmup, repeats,
                                             None if rf is None else
                                             lambda out, rf=rf: check(out, rf, dtype))
                    results[key] = value
                    shown = f"{value:9.1f}" if value is not None else f"{'-':>9}"
                    print(f"  {label:<34}{shown}   {status}")
                    if key == "kernel" and status != "ok":
                        failures.append(f"{case}: kernel output {status}")
                config = getattr(getattr(module, "_tuned_kernel", None), "best_config", None)
                print(f"  ({first}{'; best config ' + str(config) if config else ''})")
                kern, flash, cudnn = (results.get(key) for key in ("kernel", "flash", "cudnn"))
                if results.get("tma") is not None and flash and cudnn:
                    print(f"  (pointer loads: {results['tma'] / flash:.2f}x flash, "
                          f"{results['tma'] / cudnn:.2f}x cuDNN)")
                ratios = []
                for name, ref_value, minimum in (("flash", flash, flash_min),
                                                 ("cuDNN", cudnn, cudnn_min)):
                    if kern is None or ref_value is None:
                        ratios.append(f"vs {name}: n/a")
                        continue
                    ratio = kern / ref_value
                    verdict = "ok" if ratio >= minimum else f"MISSES {minimum:.2f}x"
                    ratios.append(f"vs {name}: {ratio:.2f}x ({verdict})")
                    if ratio < minimum:
                        failures.append(f"{case}: {ratio:.2f}x {name} < {minimum:.2f}x")
                print("  kernel " + "; ".join(ratios))
                print()
                rows.append((case, kern, flash, cudnn, results.get("tma")))
                del q, k, v, ref
                torch.cuda.empty_cache()

    print("summary (TFLOP/s): kernel | SDPA flash | SDPA cuDNN | kernel/flash | kernel/cuDNN | "
          "pointer loads")
    for case, kern, flash, cudnn, tma_value in rows:
        def fmt(x):
            return f"{x:7.1f}" if x is not None else "      -"

        def ratio(a, b):
            return f"{a / b:6.2f}x" if a is not None and b is not None else "      -"
        print(f"  {case:<48} {fmt(kern)} | {fmt(flash)} | {fmt(cudnn)} | {ratio(kern, flash)} | "
              f"{ratio(kern, cudnn)} | {fmt(tma_value)}")
    if failures:
        print("NOT MET:")
        for f in failures:
            print("  " + f)
    else:
        print("all targets met, all outputs correct")
    return 1 if (failures and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
