"""Shared parts of the flash_attention wrong implementations (not a mutant itself).

Each mutant is the plain kernel of ``_plain_kernel.py`` (the completed stub) with one
mistake put back by :func:`mutant` -- exact text replacements, so a mutant file shows
just its mistake -- run through :func:`run` (the stub's launcher, with the input
checks of the reference solution).
"""
import hashlib
import importlib.util
import math
import tempfile
from pathlib import Path

import torch
import triton

from solutions.flash_attention import INTERPRET, LOG2E, _check_inputs


def run(kernel, q, k, v, *, is_causal=False, scale=None, log2e=LOG2E):
    _check_inputs(q, k, v, is_causal, scale)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    if k.shape[2] == 0:
        return torch.zeros_like(q)
    out = torch.empty_like(q)
    if out.numel():
        _launch(kernel, q, k, v, out, is_causal=is_causal, qk_scale=scale * log2e)
    return out


def _launch(kernel, q, k, v, out, *, is_causal, qk_scale):
    if INTERPRET and q.dtype == torch.bfloat16:
        out32 = torch.empty_like(out, dtype=torch.float32)
        _launch(kernel, q.float(), k.float(), v.float(), out32, is_causal=is_causal,
                qk_scale=qk_scale)
        out.copy_(out32)
        return
    B, H, L, D = q.shape
    if INTERPRET:
        block_m, block_n, warps, stages = 64, 32, 4, 1
    elif q.dtype == torch.float32:
        block_m, block_n, warps, stages = 64, 32, 4, 2
    else:
        block_m, block_n, warps, stages = 128, 64, (8 if D == 128 else 4), (2 if D == 128 else 3)
    kernel[(triton.cdiv(L, block_m), B * H)](
        q, k, v, out, *q.stride(), *k.stride(), *v.stride(), *out.stride(),
        H, L, k.shape[2], qk_scale,
        IS_CAUSAL=is_causal, HEAD_DIM=D,
        DOT_PRECISION="tf32x3" if q.dtype == torch.float32 else "tf32",
        BLOCK_M=block_m, BLOCK_N=block_n, num_warps=warps, num_stages=stages)


_TEMPLATE = Path(__file__).with_name("_plain_kernel.py")
_BUILD = Path(tempfile.gettempdir()) / "kit-flash-mutants"


def mutant(*edits: tuple[str, str]):
    """The plain kernel with each ``(old, new)`` text replacement applied; returns ``_kernel``.

    Every ``old`` must occur exactly once (so a template change cannot silently turn a
    mutant into the right kernel). Triton compiles from source, so the edited kernel is
    written to a module file and imported.
    """
    source = _TEMPLATE.read_text(encoding="utf-8")
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"mutant edit expects {old!r} once in the plain kernel, found {count}")
        source = source.replace(old, new)
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    _BUILD.mkdir(parents=True, exist_ok=True)
    path = _BUILD / f"flash_mutant_{digest}.py"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(path)
    spec = importlib.util.spec_from_file_location(f"kit_flash_mutant_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._kernel
