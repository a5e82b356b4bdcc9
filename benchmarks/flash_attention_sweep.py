"""Sweep the block configurations of the reference flash-attention kernels (needs CUDA).

    python benchmarks/flash_attention_sweep.py forward  [--case bf16,2,16,4096,128,full]
    python benchmarks/flash_attention_sweep.py backward [--case bf16,4,16,4096,64,causal]

For choosing the configuration tables of ``solutions/flash_attention.py`` and
``solutions/flash_attention_backward.py`` on a new GPU. The autotuner times each
configuration once per process, and run-to-run noise (about 10 % on an H200) can make it
keep a slower one; this script instead times every candidate in ``--rounds`` rounds,
each right after the reference it is compared with (SDPA cuDNN forward, or SDPA flash
backward), and prints the median ratio per candidate, best first. Candidates that do not
compile or give wrong results are reported and skipped.

``forward`` times the TMA kernel (``_tma_kernel``, Hopper and newer) over its candidate
list; ``backward`` times ``_dkdv_kernel`` and ``_dq_kernel`` separately, each with the
other at its first configuration.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
import torch.nn.functional as F
import triton

from kit.perf import attention_backward_flops, attention_flops, median_ms_local, tflops

FORWARD_CANDIDATES = [(bm, bn, w, st) for bm, bn in ((64, 64), (128, 64), (128, 128), (128, 32))
                      for w in (4, 8) for st in (2, 3, 4)]
DKDV_CANDIDATES = [(bm, bn, w, st) for bm, bn in ((32, 64), (64, 64), (32, 128), (64, 128), (16, 64))
                   for w in (4, 8) for st in (2, 3)]
DEVICE = "cuda"  # (a smoke test runs the plumbing on the CPU through the interpreter)
DQ_CANDIDATES = [(bm, bn, w, st) for bm, bn in ((64, 64), (128, 32), (128, 64), (64, 32))
                 for w in (4, 8) for st in (2, 3)]


def parse_case(text: str):
    dtype, B, H, L, D, mode = text.split(",")
    return ({"bf16": torch.bfloat16, "fp16": torch.float16}[dtype], int(B), int(H), int(L),
            int(D), mode == "causal")


def sdpa(backend_name):
    from torch.nn.attention import SDPBackend, sdpa_kernel

    def run(q, k, v, causal):
        with sdpa_kernel(getattr(SDPBackend, backend_name)):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    return run


def sweep(candidates, run_candidate, run_reference, check, rounds, flops=None):
    """Median (reference time / candidate time) per candidate, best first; with ``flops``
    also the candidate's TFLOP/s."""
    ratios = {c: [] for c in candidates}
    broken = {}
    for _ in range(rounds):
        for c in candidates:
            if c in broken:
                continue
            try:
                ref_ms, _, _ = median_ms_local(run_reference, (), {}, warmup=3, repeats=20)
                ms, out, _ = median_ms_local(run_candidate, (c,), {}, warmup=3, repeats=20)
                problem = check(out)
            except Exception as exc:  # noqa: BLE001 - a failing candidate is a result
                problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
            if problem:
                broken[c] = problem
                continue
            ratios[c].append((ref_ms / ms, ms))
    results = sorted(((statistics.median(r for r, _ in v), statistics.median(t for _, t in v), c)
                      for c, v in ratios.items() if v), reverse=True)
    for ratio, ms, c in results:
        rate = f", {tflops(flops, ms):6.1f} TFLOP/s" if flops else ""
        print(f"  {c}: {ms:.3f} ms{rate}, reference time / this time = {ratio:.3f} "
              f"(median of {rounds})")
    for c, problem in broken.items():
        print(f"  {c}: skipped ({problem})")


def forward(args, case):
    import solutions.flash_attention as ref

    if ref.TensorDescriptor is None:
        print("this Triton has no host-side tensor descriptors (TMA)")
        return

    dtype, B, H, L, D, causal = case
    q, k, v = (torch.randn(B, H, L, D, device=DEVICE, dtype=dtype) for _ in range(3))
    expected = sdpa("CUDNN_ATTENTION")(q, k, v, causal)
    views = [t.reshape(B * H, L, D) for t in (q, k, v)]
    out = torch.empty_like(q)
    o_view = out.view(B * H, L, D)

    def run(c):
        bm, bn, w, st = c
        descs = [ref.TensorDescriptor(t, list(t.shape), list(t.stride()), [1, bm if i in (0, 3) else bn, D])
                 for i, t in enumerate((*views, o_view))]
        ref._tma_kernel[(triton.cdiv(L, bm), B * H)](
            *descs, out, L, L, D ** -0.5 * ref.LOG2E, 0, 0, IS_CAUSAL=causal, HEAD_DIM=D,
            STORE_LSE=False, BLOCK_M=bm, BLOCK_N=bn, num_warps=w, num_stages=st)
        return out

    def check(got):
        err = (got.float() - expected.float()).abs().max().item()
        return f"max error {err:.3g}" if not err < 5e-2 else ""

    valid = [c for c in FORWARD_CANDIDATES if not causal or c[0] % c[1] == 0]
    print(f"forward, TMA kernel vs SDPA cuDNN: {args.case}")
    sweep(valid, run, lambda: sdpa("CUDNN_ATTENTION")(q, k, v, causal), check, args.rounds,
          attention_flops(B, H, L, L, D, causal))


def backward(args, case):
    import solutions.flash_attention_backward as ref

    dtype, B, H, L, D, causal = case
    q, k, v, do = (torch.randn(B, H, L, D, device=DEVICE, dtype=dtype) for _ in range(4))
    out, lse = ref.flash_attention_forward(q, k, v, is_causal=causal)
    leaves = [t.clone().requires_grad_() for t in (q, k, v)]
    sdpa_out = sdpa("FLASH_ATTENTION")(*leaves, causal)
    expected = torch.autograd.grad(sdpa_out, leaves, do, retain_graph=True)
    delta = (do.float() * out.float()).sum(-1)
    grads = [torch.empty_like(t) for t in (q, k, v)]
    strides = (*q.stride(), *k.stride(), *v.stride(), *do.stride())
    sizes = (H, L, L, D ** -0.5 * ref.LOG2E, D ** -0.5, triton.next_power_of_2(L),
             triton.next_power_of_2(L))
    meta = dict(IS_CAUSAL=causal, HEAD_DIM=D, DOT_PRECISION="tf32")

    def launch(kernel, c, outputs, walked_length, walked_block):
        bm, bn, w, st = c
        kernel[(triton.cdiv(walked_length, bm if walked_block == "M" else bn), B * H)](
            q, k, v, do, lse, delta, *outputs, *strides, *sizes, **meta,
            BLOCK_M=bm, BLOCK_N=bn, num_warps=w, num_stages=st)
        return outputs

    for name, kernel, candidates, outputs, block, index in (
            ("_dkdv_kernel", ref._dkdv_kernel, DKDV_CANDIDATES, grads[1:], "N", (1, 2)),
            ("_dq_kernel", ref._dq_kernel, DQ_CANDIDATES, grads[:1], "M", (0,))):
        def check(got, index=index):
            for g, i in zip(got, index):
                err = (g.float() - expected[i].float()).abs().max().item()
                scale = expected[i].float().abs().max().item()
                if not err <= 3e-2 * max(1.0, scale):
                    return f"max error {err:.3g}"
            return ""
        print(f"backward {name} alone, against the whole SDPA flash backward pass "
              f"({attention_backward_flops(B, H, L, L, D, causal) / 1e9:.0f} GFLOP): {args.case}")
        sweep(candidates, lambda c, kernel=kernel, outputs=outputs, block=block:
              launch(kernel, c, outputs, L, block),
              lambda: torch.autograd.grad(sdpa_out, leaves, do, retain_graph=True), check,
              args.rounds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("forward", "backward"))
    parser.add_argument("--case", default=None,
                        help="dtype,B,H,L,D,full|causal (default: bf16,2,16,4096,128,full "
                             "forward; bf16,4,16,4096,64,causal backward)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("benchmarks/flash_attention_sweep.py needs a CUDA GPU")
        return 2
    args.case = args.case or ("bf16,2,16,4096,128,full" if args.what == "forward"
                              else "bf16,4,16,4096,64,causal")
    print(f"device: {torch.cuda.get_device_name()} | torch {torch.__version__} | triton "
          f"{triton.__version__}")
    (forward if args.what == "forward" else backward)(args, parse_case(args.case))
    return 0


if __name__ == "__main__":
    sys.exit(main())
