"""Benchmark of flash_attention_backward against PyTorch's attention backward passes (needs CUDA).

    python benchmarks/flash_attention_backward.py            # every case, every row
    python benchmarks/flash_attention_backward.py --quick    # bf16 only, fewer repeats
    python benchmarks/flash_attention_backward.py --impl PATH   # another implementation
    python benchmarks/flash_attention_backward.py --strict   # exit 1 on a missed target

Per case ((B, H, L, D) = (4, 16, 4096, 64) and (2, 16, 4096, 128); bf16 and fp16; causal
and not) it prints, in TFLOP/s of the backward pass (2.5x the forward FLOPs,
``kit.perf.attention_backward_flops``): the implementation's ``flash_attention_backward``
(given the output gradient, ``out`` and ``lse`` from its own forward pass), and the
backward passes of SDPA's flash, cuDNN and math (at L = 1024) backends and of vectorised
PyTorch (matmul, softmax, matmul) through autograd; then the kernel's ratio to SDPA
flash against the students' target in kit/perf_targets.toml. The gradients of the first
two heads of the first sequence are checked against float32 autograd. A backend that
fails is reported in its row; the table goes on.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import platform
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402
import triton  # noqa: E402

from kit.attention_checks import grad_tolerance  # noqa: E402
from kit.perf import attention_backward_flops, target  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_flash_forward",
                                               Path(__file__).with_name("flash_attention.py"))
forward_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(forward_bench)
SHAPES, DTYPES, MATH_L = forward_bench.SHAPES, forward_bench.DTYPES, forward_bench.MATH_L


def autograd_backward(forward):
    """A function of (q, k, v, do, causal) that runs ``forward`` once and returns a
    closure timing only its backward pass (``torch.autograd.grad`` with the graph kept)."""
    def prepare(q, k, v, do, causal):
        leaves = [t.detach().clone().requires_grad_() for t in (q, k, v)]
        out = forward(*leaves, causal)
        return lambda: torch.autograd.grad(out, leaves, do, retain_graph=True)
    return prepare


def reference_grads(q, k, v, do, causal):
    """float32 autograd gradients of the first two heads of the first sequence."""
    leaves = [t[:1, :2].float().requires_grad_() for t in (q, k, v)]
    out = forward_bench.sdpa_backend("MATH")(*leaves, causal)
    return torch.autograd.grad(out, leaves, do[:1, :2].float())


def check(grads, ref):
    for name, got, expected in zip(("dq", "dk", "dv"), grads, ref):
        got = got[:1, :2].float()
        if torch.isnan(got).any():
            return f"FAIL ({name} NaN)"
        atol, rtol = grad_tolerance(expected.to(grads[0].dtype))
        if not torch.allclose(got, expected, atol=atol, rtol=rtol):
            return f"FAIL ({name} max err {(got - expected).abs().max().item():.2g})"
    return "ok"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bf16 only, fewer repeats")
    parser.add_argument("--impl", default="solutions")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a case misses the target or a gradient is wrong")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("benchmarks/flash_attention_backward.py needs a CUDA GPU")
        return 2

    from kit.loader import import_exercise, resolve

    module = import_exercise(resolve(args.impl), "flash_attention_backward")
    warmup, repeats = (3, 10) if args.quick else (10, 30)
    dtypes = {"bf16": DTYPES["bf16"]} if args.quick else DTYPES
    student_min = target("flash_attention_backward_vs_sdpa_flash").min_ratio
    print(f"device: {torch.cuda.get_device_name()} | torch {torch.__version__} | triton "
          f"{triton.__version__} | python {platform.python_version()} | impl {args.impl}")
    print(f"target (students' perf test): >= {student_min:.2f}x the SDPA flash backward pass\n")

    rows, failures = [], []
    for (B, H, L, D) in SHAPES:
        for dname, dtype in dtypes.items():
            for causal in (False, True):
                case = f"{dname} (B,H,L,D)=({B},{H},{L},{D}) {'causal' if causal else 'non-causal'}"
                flops = attention_backward_flops(B, H, L, L, D, causal)
                print(f"== {case}: {flops / 1e9:.1f} GFLOP (backward)")
                g = torch.Generator(device="cuda").manual_seed(0)
                q, k, v, do = (torch.randn(B, H, L, D, generator=g, device="cuda", dtype=dtype)
                               for _ in range(4))
                ref = reference_grads(q, k, v, do, causal)
                t0 = time.perf_counter()
                out, lse = module.flash_attention_forward(q, k, v, is_causal=causal)
                module.flash_attention_backward(do, q, k, v, out, lse, is_causal=causal)
                torch.cuda.synchronize()
                first = time.perf_counter() - t0
                entries = [
                    ("kernel", f"flash_attention_backward ({args.impl})",
                     functools.partial(module.flash_attention_backward, do, q, k, v, out, lse,
                                       is_causal=causal), flops, ref),
                ]
                for key, label, backend in (("flash", "SDPA flash backward", "FLASH_ATTENTION"),
                                            ("cudnn", "SDPA cuDNN backward", "CUDNN_ATTENTION")):
                    try:
                        fn = autograd_backward(forward_bench.sdpa_backend(backend))(q, k, v, do,
                                                                                    causal)
                    except Exception as exc:  # noqa: BLE001
                        print(f"  {label:<40}{'-':>9}   n/a ({type(exc).__name__})")
                        continue
                    entries.append((key, label, fn, flops, ref))
                if not args.quick:
                    short = [t[:, :, :MATH_L].contiguous() for t in (q, k, v, do)]
                    entries.append(("math", f"SDPA math backward (at L={MATH_L})",
                                    autograd_backward(forward_bench.sdpa_backend("MATH"))(
                                        *short, causal),
                                    attention_backward_flops(B, H, MATH_L, MATH_L, D, causal), None))
                    entries.append(("vectorised", "vectorised PyTorch backward",
                                    autograd_backward(forward_bench.vectorised)(q, k, v, do, causal),
                                    flops, ref))
                results = {}
                for key, label, fn, fl, rf in entries:
                    value, status = forward_bench.time_row(
                        fn, (), {}, fl, warmup, repeats,
                        None if rf is None else lambda grads, rf=rf: check(grads, rf))
                    results[key] = value
                    shown = f"{value:9.1f}" if value is not None else f"{'-':>9}"
                    print(f"  {label:<40}{shown}   {status}")
                    if key == "kernel" and status != "ok":
                        failures.append(f"{case}: gradients {status}")
                print(f"  (first call, compile and autotune: {first:.1f} s)")
                kern, flash, cudnn = (results.get(key) for key in ("kernel", "flash", "cudnn"))
                if kern is not None and flash is not None:
                    ratio = kern / flash
                    print(f"  kernel vs SDPA flash backward: {ratio:.2f}x"
                          + ("" if ratio >= student_min else f" (MISSES {student_min:.2f}x)"))
                    if ratio < student_min:
                        failures.append(f"{case}: {ratio:.2f}x flash < {student_min:.2f}x")
                print()
                rows.append((case, kern, flash, cudnn))
                del q, k, v, do, out, lse, entries
                torch.cuda.empty_cache()

    print("summary (TFLOP/s, backward): kernel | SDPA flash | SDPA cuDNN | kernel/flash | "
          "kernel/cuDNN")
    for case, kern, flash, cudnn in rows:
        def fmt(x):
            return f"{x:7.1f}" if x is not None else "      -"

        def ratio(a, b):
            return f"{a / b:6.2f}x" if a is not None and b is not None else "      -"
        print(f"  {case:<48} {fmt(kern)} | {fmt(flash)} | {fmt(cudnn)} | {ratio(kern, flash)} | "
              f"{ratio(kern, cudnn)}")
    print("NOT MET:\n  " + "\n  ".join(failures) if failures else "all targets met, all gradients correct")
    return 1 if (failures and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
