"""Compile the flash-attention kernels for an H100 (sm_90) on a machine without a GPU.

    python -m graders.tools.compile_flash_kernels [--quick]

Triton's CPU interpreter accepts code the GPU compiler rejects (and says nothing about
registers), so this compiles each kernel of the stubs (completed) and the references,
in each configuration their launchers or autotuners use, with the specialisation the
runtime gives real calls (16-divisible pointers and sizes, unit innermost strides), and
prints registers per thread, spilled bytes and shared memory. It needs no GPU: Triton
ships ``ptxas``. Exit status 1 when a kernel does not compile or spills more than
``SPILL_LIMIT`` bytes. ``--quick`` compiles one configuration per kernel and dtype.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor

SPILL_LIMIT = 512  # bytes per thread; a few spills are tolerable, hundreds are not
TARGET = ("cuda", 90, 32)  # H100 / H200: sm_90, 32-thread warps

# The eight pointer and stride layouts: each kernel's arguments, in order, as
# kind "ptr", "int16" (a size or stride divisible by 16), "int", "one" (a unit stride,
# specialised as the constant 1), "float", or "desc:BLOCK_M" / "desc:BLOCK_N" (a TMA
# tensor descriptor with [1, that block, HEAD_DIM] tiles).
_STRIDES4 = ["int16", "int16", "int16", "one"]


def _jobs(quick: bool):
    """(label, module, kernel name, argument kinds, constexprs, num_warps, num_stages)."""
    jobs = []
    dtypes = ("fp16",) if quick else ("fp16", "bf16")
    for dtype in dtypes:
        for d in (64, 128):
            for causal in (False, True):
                fwd_args = (["ptr"] * 5 + _STRIDES4 * 4 + ["int", "int16", "int16", "float"])
                ref_fwd_args = fwd_args + ["int", "int"]
                fwd_const = dict(IS_CAUSAL=causal, HEAD_DIM=d, DOT_PRECISION="tf32",
                                 STORE_LSE=True)
                from solutions import flash_attention as ref_fwd
                family = "d128" if d == 128 else "small_d"
                for bm, bn, w, st in ref_fwd._CONFIGS[family][: 1 if quick else None]:
                    jobs.append((f"reference forward (lse) {dtype} D={d} causal={causal} "
                                 f"{bm}x{bn}/{w}w/{st}s", "solutions.flash_attention",
                                 "_flash_attention_kernel", ref_fwd_args, dtype,
                                 dict(fwd_const, BLOCK_M=bm, BLOCK_N=bn), w, st))
                bwd_args = (["ptr"] * 8 + _STRIDES4 * 4 + ["int", "int16", "int16", "float",
                                                            "float"])
                ref_bwd_args = bwd_args + ["int", "int"]
                bwd_const = dict(IS_CAUSAL=causal, HEAD_DIM=d, DOT_PRECISION="tf32")
                from solutions import flash_attention_backward as ref_bwd
                for kernel, table, n_ptr in (("_dkdv_kernel", ref_bwd._DKDV_CONFIGS, 8),
                                             ("_dq_kernel", ref_bwd._DQ_CONFIGS, 7)):
                    args = ["ptr"] * n_ptr + ref_bwd_args[8:]
                    for bm, bn, w, st in table[family][: 1 if quick else None]:
                        jobs.append((f"reference {kernel} {dtype} D={d} causal={causal} "
                                     f"{bm}x{bn}/{w}w/{st}s", "solutions.flash_attention_backward",
                                     kernel, args, dtype, dict(bwd_const, BLOCK_M=bm, BLOCK_N=bn),
                                     w, st))
                tma_args = ["desc:BLOCK_M", "desc:BLOCK_N", "desc:BLOCK_N", "desc:BLOCK_M", "ptr",
                            "int", "int", "float", "int", "int"]
                for bm, bn, w, st in ref_fwd._TMA_CONFIGS[family][: 1 if quick else None]:
                    jobs.append((f"reference TMA forward (lse) {dtype} D={d} causal={causal} "
                                 f"{bm}x{bn}/{w}w/{st}s", "solutions.flash_attention",
                                 "_tma_kernel", tma_args, dtype,
                                 dict(IS_CAUSAL=causal, HEAD_DIM=d, STORE_LSE=True,
                                      BLOCK_M=bm, BLOCK_N=bn), w, st))
                # The completed stubs, in the configurations their launchers use on a GPU.
                stub_fwd = (128, 64, 8 if d == 128 else 4, 2 if d == 128 else 3)
                jobs.append((f"completed stub forward {dtype} D={d} causal={causal}",
                             "completed:flash_attention", "_flash_attention_kernel", fwd_args,
                             dtype, dict(fwd_const, BLOCK_M=stub_fwd[0], BLOCK_N=stub_fwd[1]),
                             stub_fwd[2], stub_fwd[3]))
                for kernel, n_ptr, (bm, bn) in (("_dkdv_kernel", 8, (32, 128 if d <= 64 else 64)),
                                                ("_dq_kernel", 7, (64, 64))):
                    args = ["ptr"] * n_ptr + bwd_args[8:]
                    jobs.append((f"completed stub {kernel} {dtype} D={d} causal={causal}",
                                 "completed:flash_attention_backward", kernel, args, dtype,
                                 dict(bwd_const, BLOCK_M=bm, BLOCK_N=bn), 4, 2))
    return jobs


def _module(name: str):
    import importlib

    if name.startswith("completed:"):
        from graders.mutants.flash_attention import _common

        stem = name.split(":", 1)[1]
        if stem == "flash_attention":
            return _common.load_completed("flash_attention_check", _common.completed_forward_stub())
        return _common.load_completed(stem, _common.completed_backward_stub())
    return importlib.import_module(name)


def compile_one(job) -> tuple[str, str, int, int, int]:
    """(label, error or "", registers, spilled bytes, shared memory bytes)."""
    label, module_name, kernel_name, kinds, dtype, constexprs, warps, stages = job
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource
    from triton.runtime.jit import JITFunction

    fn = getattr(_module(module_name), kernel_name)
    while not isinstance(fn, JITFunction):  # an autotuned kernel wraps the jit function
        fn = fn.fn
    names = fn.arg_names
    signature, constants, attrs = {}, dict(constexprs), {}
    positional = [n for n in names if n not in constexprs]
    lse_like = {"Lse", "Delta"}
    for name, kind in zip(positional, kinds):
        if kind.startswith("desc:"):
            block = constexprs[kind.split(":")[1]]
            signature[name] = f"tensordesc<{dtype}[1,{block},{constexprs['HEAD_DIM']}]>"
        elif kind == "ptr":
            signature[name] = "*fp32" if name in lse_like else f"*{dtype}"
            attrs[(names.index(name),)] = [["tt.divisibility", 16]]
        elif kind == "one":
            signature[name] = "constexpr"
            constants[name] = 1
        elif kind in ("int", "int16"):
            signature[name] = "i32"
            if kind == "int16":
                attrs[(names.index(name),)] = [["tt.divisibility", 16]]
        else:
            signature[name] = "fp32"
    if len(positional) != len(kinds):
        return label, f"expected {len(kinds)} runtime arguments, the kernel has {len(positional)}", 0, 0, 0
    for name in constexprs:
        signature[name] = "constexpr"
    signature = {n: signature[n] for n in names}
    try:
        compiled = triton.compile(ASTSource(fn, signature, constants, attrs),
                                  target=GPUTarget(*TARGET),
                                  options=dict(num_warps=warps, num_stages=stages))
    except Exception as exc:  # noqa: BLE001 - report every failure
        return label, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}", 0, 0, 0
    meta = compiled.metadata
    regs, spills = _ptxas_usage(compiled)  # (the kernel object learns them only on a device)
    return label, "", regs, spills, int(getattr(meta, "shared", 0))


def _ptxas_usage(compiled) -> tuple[int, int]:
    import re
    import subprocess
    import tempfile
    from pathlib import Path

    import triton

    ptx = compiled.asm["ptx"]
    with tempfile.NamedTemporaryFile("w", suffix=".ptx", delete=False) as f:
        f.write(ptx)
    bin_dir = Path(triton.__file__).parent / "backends" / "nvidia" / "bin"
    out = ""
    for name in ("ptxas-blackwell", "ptxas"):  # the first that reads this PTX version
        if (bin_dir / name).exists():
            run = subprocess.run([str(bin_dir / name), "-v", "--gpu-name=sm_90a", f.name,
                                  "-o", os.devnull], capture_output=True, text=True)
            out = run.stdout + run.stderr
            if run.returncode == 0:
                break
    os.unlink(f.name)
    regs = re.search(r"Used (\d+) registers", out)
    spill = re.search(r"(\d+) bytes spill stores", out)
    return int(regs.group(1)) if regs else 0, int(spill.group(1)) if spill else 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")  # Triton's default, said out loud
    if os.environ.get("TRITON_INTERPRET", "0") not in ("", "0"):
        print("unset TRITON_INTERPRET: interpreted kernels cannot be compiled", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    jobs = _jobs(args.quick)
    failures = 0
    print(f"{'kernel, configuration':78} {'regs':>5} {'spill B':>8} {'smem KB':>8}")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for label, error, regs, spills, smem in pool.map(compile_one, jobs):
            if error:
                failures += 1
                print(f"{label:78} FAILED: {error}")
                continue
            flag = "  <- spills" if spills > SPILL_LIMIT else ""
            failures += bool(flag)
            print(f"{label:78} {regs:5d} {spills:8d} {smem / 1024:8.1f}{flag}")
    print(f"{len(jobs)} compiled for sm_90, {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
