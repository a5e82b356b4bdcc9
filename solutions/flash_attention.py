"""Reference solution: flash_attention (a fused attention forward kernel in Triton).

The teaching text is in ``exercises/flash_attention.py``; the design and tuning notes
are in ``docs/flash_attention_notes.md``. In short, one program computes a block of
``BLOCK_M`` query rows of one (batch, head), walks over the keys ``BLOCK_N`` at a time
with an online softmax, and keeps the running max ``m``, the running denominator ``l``
and the un-normalised output ``acc`` in fp32 registers. The score matrix is never
written to memory.

What makes it fast (and what the stub's plain kernel does not do):

* the key loop is split in two phases: the blocks that need no mask at all (every key
  valid and, when causal, every key at or before every query of the block) run a loop
  without masks; only the last few blocks (the causal diagonal, the ragged tail of the
  keys) pay for the masks;
* when causal, key blocks entirely after the query block are never visited, and the
  programs of one head start with the heaviest query blocks (the last ones) so that
  the short ones fill the gaps at the end;
* ``exp2`` (the instruction the hardware has) with ``log2(e)`` folded into the scale,
  and in the unmasked loop one fused multiply-add per score, ``qk * scale - m`` (a
  negative scale is applied to ``q`` instead, so the scale stays >= 0);
* block sizes, warps and pipeline stages are autotuned on a GPU for large problems
  (small ones and the CPU interpreter use one fixed configuration: tuning would cost
  more than it saves);
* on Hopper and newer GPUs, large fp16/bf16 problems move their tiles with TMA
  (host-side tensor descriptors) instead of pointer loads.
"""

from __future__ import annotations

import math
import os

import torch
import triton
import triton.language as tl

try:  # host-side TMA tensor descriptors (Triton >= 3.4; used on Hopper and newer)
    from triton.tools.tensor_descriptor import TensorDescriptor
except ImportError:  # pragma: no cover - older Triton
    TensorDescriptor = None

HEAD_DIMS = (16, 32, 64, 128)
DTYPES = (torch.float16, torch.bfloat16, torch.float32)
LOG2E = 1.4426950408889634  # log2(e): exp(x) == exp2(x * LOG2E)

#: Triton's CPU interpreter runs kernels on CPU tensors (the kit sets it without CUDA).
INTERPRET = os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")
#: Large fp16/bf16 problems on Hopper+ load tiles with TMA (the tensor memory accelerator);
#: set False (or KIT_FLASH_NO_TMA=1) to time the plain pointer-load kernel instead.
USE_TMA = not os.environ.get("KIT_FLASH_NO_TMA")


# --------------------------------------------------------------------------- the kernel


@triton.jit
def _attend_blocks(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                   offs_m, lo, hi, S, qk_scale,
                   MASKED: tl.constexpr, IS_CAUSAL: tl.constexpr,
                   BLOCK_N: tl.constexpr, DOT_PRECISION: tl.constexpr):
    """Online softmax over the key blocks starting at lo, lo + BLOCK_N, ... < hi."""
    for start_n in tl.range(lo, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        if MASKED:
            k = tl.load(k_ptrs + start_n * stride_kn, mask=offs_n[:, None] < S, other=0.0)
        else:
            k = tl.load(k_ptrs + start_n * stride_kn)
        qk = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION)
        # Scores in the log2 domain: (q . k) * scale * log2(e); qk_scale >= 0 here.
        if MASKED:
            keep = offs_n[None, :] < S
            if IS_CAUSAL:
                keep = keep & (offs_n[None, :] <= offs_m[:, None])
            s = tl.where(keep, qk * qk_scale, float("-inf"))  # mask after scaling
            m_new = tl.maximum(m_i, tl.max(s, 1))
            p = tl.math.exp2(s - m_new[:, None])
        else:
            # The max of the scaled scores is the scaled max (qk_scale >= 0), and
            # qk * qk_scale - m is one fused multiply-add per score.
            m_new = tl.maximum(m_i, tl.max(qk, 1) * qk_scale)
            p = tl.math.exp2(qk * qk_scale - m_new[:, None])
        # What was accumulated so far was relative to the old max: rescale it.
        alpha = tl.math.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None]
        if MASKED:
            v = tl.load(v_ptrs + start_n * stride_vn, mask=offs_n[:, None] < S, other=0.0)
        else:
            v = tl.load(v_ptrs + start_n * stride_vn)
        acc = tl.dot(p.to(v.dtype), v, acc, input_precision=DOT_PRECISION)
        m_i = m_new
    return acc, l_i, m_i


@triton.jit
def _flash_attention_kernel(
        Q, K, V, Out, Lse,
        stride_qb, stride_qh, stride_qm, stride_qd,
        stride_kb, stride_kh, stride_kn, stride_kd,
        stride_vb, stride_vh, stride_vn, stride_vd,
        stride_ob, stride_oh, stride_om, stride_od,
        H, L, S, qk_scale,
        L_KEY, S_KEY,  # only for the autotuner's cache key (sizes rounded to a power of 2)
        IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
        STORE_LSE: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    # Programs of one (batch, head) are launched together (their K and V stay in L2);
    # when causal, the heaviest query blocks (the last ones) go first.
    pid_m = tl.program_id(0)
    if IS_CAUSAL:
        pid_m = tl.num_programs(0) - 1 - pid_m
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    q_base = Q + b.to(tl.int64) * stride_qb + h.to(tl.int64) * stride_qh
    k_base = K + b.to(tl.int64) * stride_kb + h.to(tl.int64) * stride_kh
    v_base = V + b.to(tl.int64) * stride_vb + h.to(tl.int64) * stride_vh
    o_base = Out + b.to(tl.int64) * stride_ob + h.to(tl.int64) * stride_oh

    start_m = pid_m * BLOCK_M
    offs_m = start_m + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)
    q = tl.load(q_base + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd,
                mask=offs_m[:, None] < L, other=0.0)
    # A negative scale is applied as -q times |scale| (exact), so that qk_scale >= 0.
    q = tl.where(qk_scale < 0, -q, q)
    qk_scale = tl.abs(qk_scale)
    k_ptrs = k_base + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd
    v_ptrs = v_base + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd

    m_i = tl.full([BLOCK_M], float("-inf"), dtype=tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)

    # Keys [0, full_end) need no mask; keys [full_end, hi) do; keys >= hi are skipped.
    # Causal (top-left aligned): query i sees keys j <= i. Every key before start_m is
    # seen by every query of this block (BLOCK_M is a multiple of BLOCK_N, so start_m
    # is a block boundary); keys at or after start_m + BLOCK_M by none of them.
    full_end = (S // BLOCK_N) * BLOCK_N
    hi = S
    if IS_CAUSAL:
        full_end = tl.minimum(full_end, start_m)
        hi = tl.minimum(S, start_m + BLOCK_M)
    acc, l_i, m_i = _attend_blocks(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                                   offs_m, 0, full_end, S, qk_scale,
                                   False, IS_CAUSAL, BLOCK_N, DOT_PRECISION)
    acc, l_i, m_i = _attend_blocks(acc, l_i, m_i, q, k_ptrs, v_ptrs, stride_kn, stride_vn,
                                   offs_m, full_end, hi, S, qk_scale,
                                   True, IS_CAUSAL, BLOCK_N, DOT_PRECISION)
    # Every query row sees key 0, so l_i > 0 for every row (no 0/0).
    acc = acc / l_i[:, None]
    tl.store(o_base + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od,
             acc.to(Out.dtype.element_ty), mask=offs_m[:, None] < L)
    if STORE_LSE:  # the rows' natural log-sum-exp, saved for the backward pass
        tl.store(Lse + pid_bh.to(tl.int64) * L + offs_m,
                 (m_i + tl.math.log2(l_i)) * 0.6931471805599453, mask=offs_m < L)


# --------------------------------------------------------------------------- the TMA variant
# The same algorithm with tiles moved by TMA: host-side tensor descriptors over (B*H, L, D)
# views; rows past the end of a head read as zeros and are not written. It needs fewer
# registers than pointer loads (the address arithmetic goes away) and overlaps the copies
# with the math better: about 10-25 % faster on an H200 (docs/flash_attention_notes.md).

@triton.jit
def _tma_attend_blocks(acc, l_i, m_i, q, k_desc, v_desc, bh, offs_m, lo, hi, S, qk_scale,
                       MASKED: tl.constexpr, IS_CAUSAL: tl.constexpr,
                       BLOCK_N: tl.constexpr, HEAD_DIM: tl.constexpr):
    for start_n in tl.range(lo, hi, BLOCK_N):
        k = k_desc.load([bh, start_n, 0]).reshape(BLOCK_N, HEAD_DIM)
        qk = tl.dot(q, tl.trans(k))
        if MASKED:
            offs_n = start_n + tl.arange(0, BLOCK_N)
            keep = offs_n[None, :] < S
            if IS_CAUSAL:
                keep = keep & (offs_n[None, :] <= offs_m[:, None])
            s = tl.where(keep, qk * qk_scale, float("-inf"))
            m_new = tl.maximum(m_i, tl.max(s, 1))
            p = tl.math.exp2(s - m_new[:, None])
        else:
            m_new = tl.maximum(m_i, tl.max(qk, 1) * qk_scale)
            p = tl.math.exp2(qk * qk_scale - m_new[:, None])
        alpha = tl.math.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None]
        v = v_desc.load([bh, start_n, 0]).reshape(BLOCK_N, HEAD_DIM)
        acc = tl.dot(p.to(v.dtype), v, acc)
        m_i = m_new
    return acc, l_i, m_i


@triton.jit
def _tma_kernel(q_desc, k_desc, v_desc, o_desc, Lse, L, S, qk_scale, L_KEY, S_KEY,
                IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, STORE_LSE: tl.constexpr,
                BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_m = tl.program_id(0)
    if IS_CAUSAL:
        pid_m = tl.num_programs(0) - 1 - pid_m
    bh = tl.program_id(1)
    start_m = pid_m * BLOCK_M
    offs_m = start_m + tl.arange(0, BLOCK_M)
    q = q_desc.load([bh, start_m, 0]).reshape(BLOCK_M, HEAD_DIM)
    q = tl.where(qk_scale < 0, -q, q)
    qk_scale = tl.abs(qk_scale)
    m_i = tl.full([BLOCK_M], float("-inf"), dtype=tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)
    full_end = (S // BLOCK_N) * BLOCK_N
    hi = S
    if IS_CAUSAL:
        full_end = tl.minimum(full_end, start_m)
        hi = tl.minimum(S, start_m + BLOCK_M)
    acc, l_i, m_i = _tma_attend_blocks(acc, l_i, m_i, q, k_desc, v_desc, bh, offs_m, 0, full_end,
                                       S, qk_scale, False, IS_CAUSAL, BLOCK_N, HEAD_DIM)
    acc, l_i, m_i = _tma_attend_blocks(acc, l_i, m_i, q, k_desc, v_desc, bh, offs_m, full_end, hi,
                                       S, qk_scale, True, IS_CAUSAL, BLOCK_N, HEAD_DIM)
    acc = acc / l_i[:, None]
    o_desc.store([bh, start_m, 0], acc.to(q.dtype).reshape(1, BLOCK_M, HEAD_DIM))
    if STORE_LSE:  # the rows' natural log-sum-exp, saved for the backward pass
        tl.store(Lse + bh.to(tl.int64) * L + offs_m, (m_i + tl.math.log2(l_i)) * 0.6931471805599453,
                 mask=offs_m < L)


# --------------------------------------------------------------------------- configurations

# (BLOCK_M, BLOCK_N, num_warps, num_stages); BLOCK_M must be a multiple of BLOCK_N (the
# causal split relies on it). Picked from the sm_90 compile of each candidate (registers,
# spills, shared memory, CTAs per SM: see docs/flash_attention_notes.md), and kept short:
# the autotuner compiles every configuration once per (dtype, head dim, causal).
_CONFIGS = {
    "small_d": [(128, 64, 4, 3), (128, 64, 8, 3), (128, 128, 8, 3), (64, 64, 4, 3)],
    "d128": [(128, 64, 8, 3), (128, 128, 8, 2), (64, 64, 4, 3), (64, 32, 4, 3)],
    # fp32 is a correctness path (3xTF32 dots), not a fast one: one configuration.
    "fp32": [(64, 32, 4, 2)],
}
_INTERPRETER_BLOCKS = (64, 32)  # few Python-level steps, yet the tests' short sequences
# still span several key blocks.
_AUTOTUNE_MIN_WORK = 1024 * 1024  # L * S below this: the first configuration, no tuning


def _config_family(dtype: torch.dtype, head_dim: int) -> str:
    if dtype == torch.float32:
        return "fp32"
    return "d128" if head_dim == 128 else "small_d"


def _prune(configs, named_args, **kwargs):
    family = _config_family(named_args["Q"].dtype, kwargs["HEAD_DIM"])
    wanted = set(_CONFIGS[family])
    return [c for c in configs if (c.kwargs["BLOCK_M"], c.kwargs["BLOCK_N"], c.num_warps,
                                   c.num_stages) in wanted]


_tuned_kernel = triton.autotune(
    configs=[triton.Config({"BLOCK_M": bm, "BLOCK_N": bn}, num_warps=w, num_stages=s)
             for bm, bn, w, s in sorted({c for family in _CONFIGS.values() for c in family})],
    key=["L_KEY", "S_KEY", "HEAD_DIM", "IS_CAUSAL", "DOT_PRECISION", "STORE_LSE"],
    prune_configs_by={"early_config_prune": _prune},
)(_flash_attention_kernel)

# TMA variant: (BLOCK_M, BLOCK_N, num_warps, num_stages) per head-dim family. For D = 128 a
# sweep on an H200 (bf16/fp16, 2x16x4096x128) put 64x64, 4 warps, 3 stages first by far
# (539 TFLOP/s vs 489 for 128x128/8/3 and 453 for 128x64/8/3); the autotuner's own timing
# did not always find it, so it is the only candidate there.
_TMA_CONFIGS = {
    "small_d": [(128, 64, 4, 3), (128, 64, 8, 3), (128, 128, 8, 3), (64, 64, 4, 3)],
    "d128": [(64, 64, 4, 3)],
}


def _tma_prune(configs, named_args, **kwargs):
    wanted = set(_TMA_CONFIGS["d128" if kwargs["HEAD_DIM"] == 128 else "small_d"])
    return [c for c in configs if (c.kwargs["BLOCK_M"], c.kwargs["BLOCK_N"], c.num_warps,
                                   c.num_stages) in wanted]


def _tma_block_shapes(nargs):
    """The descriptors' tile shapes follow the configuration being tried."""
    bm, bn, d = nargs["BLOCK_M"], nargs["BLOCK_N"], nargs["HEAD_DIM"]
    nargs["q_desc"].block_shape = [1, bm, d]
    nargs["o_desc"].block_shape = [1, bm, d]
    nargs["k_desc"].block_shape = [1, bn, d]
    nargs["v_desc"].block_shape = [1, bn, d]


_tma_tuned_kernel = triton.autotune(
    configs=[triton.Config({"BLOCK_M": bm, "BLOCK_N": bn}, num_warps=w, num_stages=st,
                           pre_hook=_tma_block_shapes)
             for bm, bn, w, st in sorted({c for family in _TMA_CONFIGS.values() for c in family})],
    key=["L_KEY", "S_KEY", "HEAD_DIM", "IS_CAUSAL", "STORE_LSE"],
    prune_configs_by={"early_config_prune": _tma_prune},
)(_tma_kernel)


def _use_tma(q: torch.Tensor, L: int, S: int) -> bool:
    return (USE_TMA and TensorDescriptor is not None and not INTERPRET and q.is_cuda
            and q.dtype in (torch.float16, torch.bfloat16) and L * S >= _AUTOTUNE_MIN_WORK
            and torch.cuda.get_device_capability(q.device)[0] >= 9)


def _flash_attention_tma(q, k, v, out, scale: float, is_causal: bool, lse=None) -> None:
    B, H, L, D = q.shape
    S = k.shape[2]
    views = [t.reshape(B * H, t.shape[2], D) for t in (q, k, v)]  # copies only if not contiguous
    target = out if out.is_contiguous() else torch.empty(out.shape, dtype=out.dtype, device=out.device)
    o_view = target.view(B * H, L, D)
    descs = [TensorDescriptor(t, list(t.shape), list(t.stride()), [1, 16, D])
             for t in (*views, o_view)]
    with torch.cuda.device(q.device):
        _tma_tuned_kernel[lambda opts: (triton.cdiv(L, opts["BLOCK_M"]), B * H)](
            *descs, out if lse is None else lse, L, S, scale * LOG2E, triton.next_power_of_2(L),
            triton.next_power_of_2(S), IS_CAUSAL=is_causal, HEAD_DIM=D, STORE_LSE=lse is not None)
    if target is not out:
        out.copy_(target)


# --------------------------------------------------------------------------- the launcher


def _check_inputs(q, k, v, is_causal, scale) -> None:
    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dim() != 4:
            raise ValueError(f"{name} must have 4 dimensions (B, H, L or S, D), got shape "
                             f"{tuple(t.shape)}")
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dtype not in DTYPES:
            raise TypeError(f"{name} has dtype {t.dtype}; supported: float16, bfloat16, float32")
    if not (q.dtype == k.dtype == v.dtype):
        raise TypeError(f"q, k and v must have the same dtype, got {q.dtype}, {k.dtype}, {v.dtype}")
    if not (q.device == k.device == v.device):
        raise ValueError(f"q, k and v must be on the same device, got {q.device}, {k.device}, "
                         f"{v.device}")
    if not INTERPRET and q.device.type != "cuda":
        raise ValueError(f"q, k and v are on {q.device}: the kernel needs CUDA tensors (or "
                         "Triton's CPU interpreter: set TRITON_INTERPRET=1 before importing)")
    B, H, _, D = q.shape
    if D not in HEAD_DIMS:
        raise ValueError(f"head dimension D = q.shape[-1] = {D} is not supported; expected one "
                         f"of {HEAD_DIMS}")
    if k.shape[0] != B or k.shape[1] != H or k.shape[3] != D:
        raise ValueError(f"k must have shape (B, H, S, D) = ({B}, {H}, S, {D}) to match q "
                         f"{tuple(q.shape)}, got {tuple(k.shape)}")
    if tuple(v.shape) != tuple(k.shape):
        raise ValueError(f"v must have the same shape as k {tuple(k.shape)}, got {tuple(v.shape)}")
    if not isinstance(is_causal, bool):
        raise TypeError(f"is_causal must be a bool, got {type(is_causal).__name__}")
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, (int, float)):
            raise TypeError(f"scale must be a float or None, got {type(scale).__name__}")
        if not math.isfinite(scale):
            raise ValueError(f"scale must be finite, got {scale}")


def flash_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, is_causal: bool = False,
                    scale: float | None = None) -> torch.Tensor:
    """softmax(q k^T * scale [+ causal mask]) v for (B, H, L, D) q and (B, H, S, D) k, v."""
    _check_inputs(q, k, v, is_causal, scale)
    B, H, L, D = q.shape
    S = k.shape[2]
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    if S == 0:  # softmax over no keys: an empty sum, as torch's SDPA returns
        return torch.zeros_like(q)
    out = torch.empty_like(q)
    if B * H * L == 0:
        return out
    _launch(q, k, v, out, is_causal=is_causal, scale=scale)
    return out


def _launch(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, out: torch.Tensor, *,
            is_causal: bool, scale: float, lse: torch.Tensor | None = None) -> None:
    """Run the kernel writing into ``out`` (and the rows' log-sum-exp into ``lse``).

    Expects checked inputs with ``S >= 1`` and ``B * H * L >= 1`` and a float ``scale``;
    ``lse``, when given, a contiguous float32 ``(B, H, L)`` tensor (the backward pass of
    ``flash_attention_backward`` needs it). The same contract as the stub's ``_launch``.
    """
    B, H, L, D = q.shape
    S = k.shape[2]
    if INTERPRET and q.dtype == torch.bfloat16:
        # Triton's interpreter computes bfloat16 arithmetic (and tl.dot) on raw bit
        # patterns; run the kernel on float32 copies there and round the result.
        out32 = torch.empty_like(out, dtype=torch.float32)
        _launch(q.float(), k.float(), v.float(), out32, is_causal=is_causal, scale=scale, lse=lse)
        out.copy_(out32)
        return
    if _use_tma(q, L, S):  # pragma: no cover - needs a Hopper GPU
        _flash_attention_tma(q, k, v, out, scale, is_causal, lse)
        return
    precision = "tf32"  # fp16/bf16 dots ignore it
    if q.dtype == torch.float32:  # float32 accuracy: 3xTF32 on tensor cores, else plain FMAs
        tensor_cores = not q.is_cuda or torch.cuda.get_device_capability(q.device)[0] >= 8
        precision = "tf32x3" if tensor_cores else "ieee"
    args = (q, k, v, out, out if lse is None else lse,  # out stands in when lse is not wanted
            *q.stride(), *k.stride(), *v.stride(), *out.stride(),
            H, L, S, scale * LOG2E, triton.next_power_of_2(L), triton.next_power_of_2(S))
    meta = dict(IS_CAUSAL=is_causal, HEAD_DIM=D, DOT_PRECISION=precision,
                STORE_LSE=lse is not None)
    if INTERPRET:
        block_m, block_n = _INTERPRETER_BLOCKS
        _flash_attention_kernel[(triton.cdiv(L, block_m), B * H)](
            *args, **meta, BLOCK_M=block_m, BLOCK_N=block_n)
        return
    with torch.cuda.device(q.device):  # pragma: no cover - needs a GPU
        if L * S >= _AUTOTUNE_MIN_WORK:
            _tuned_kernel[lambda opts: (triton.cdiv(L, opts["BLOCK_M"]), B * H)](*args, **meta)
        else:
            block_m, block_n, warps, stages = _CONFIGS[_config_family(q.dtype, D)][0]
            _flash_attention_kernel[(triton.cdiv(L, block_m), B * H)](
                *args, **meta, BLOCK_M=block_m, BLOCK_N=block_n, num_warps=warps,
                num_stages=stages)
