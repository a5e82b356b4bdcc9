"""Reference solution: flash_attention_backward (the backward pass of the fused kernel).

The teaching text is in ``exercises/flash_attention_backward.py``. In short: the forward
pass saves, per query row, the log-sum-exp of its scaled scores; the backward pass
recomputes each probability tile from ``q``, ``k`` and that number
(``p = exp(s - lse)``: no running max, no rescaling) and never stores the ``(L, S)``
matrices either. Two kernels share the work without atomics (FlashAttention-2):

* ``_dkdv_kernel``: one program per block of keys, looping over the queries, accumulates
  ``dk`` and ``dv`` for its keys;
* ``_dq_kernel``: one program per block of queries, looping over the keys, accumulates
  ``dq`` for its queries.

With ``s = scale * q k^T``, ``p = softmax(s)``, ``o = p v`` and ``do`` the gradient of the
output: ``dv = p^T do``, ``dp = do v^T``, ``ds = p * (dp - delta)`` where ``delta`` is the
row sum of ``do * o`` (equal to the row sum of ``p * dp``), ``dq = scale * ds k`` and
``dk = scale * ds^T q``.

As in the forward reference, each key (or query) loop runs in two phases: blocks that need
no mask at all, and the few that do (the causal diagonal, the ragged ends); block sizes
are autotuned on a GPU for large problems.
"""

from __future__ import annotations

import contextlib
import math

import torch
import triton
import triton.language as tl

from .flash_attention import DTYPES, INTERPRET, LOG2E, _check_inputs, _launch

_AUTOTUNE_MIN_WORK = 1024 * 1024  # L * S below this: the first configuration, no tuning


# --------------------------------------------------------------------------- delta


@triton.jit
def _delta_kernel(Out, dOut, Delta,
                  stride_ob, stride_oh, stride_om, stride_od,
                  stride_db, stride_dh, stride_dm, stride_dd,
                  H, L, HEAD_DIM: tl.constexpr, BLOCK_M: tl.constexpr):
    """delta[b, h, i] = sum_d dout[b, h, i, d] * out[b, h, i, d], in float32."""
    pid_m = tl.program_id(0)
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_d = tl.arange(0, HEAD_DIM)
    rows = offs_m[:, None] < L
    o = tl.load(Out + b.to(tl.int64) * stride_ob + h.to(tl.int64) * stride_oh
                + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od, mask=rows, other=0.0)
    do = tl.load(dOut + b.to(tl.int64) * stride_db + h.to(tl.int64) * stride_dh
                 + offs_m[:, None] * stride_dm + offs_d[None, :] * stride_dd, mask=rows, other=0.0)
    delta = tl.sum(o.to(tl.float32) * do.to(tl.float32), 1)
    tl.store(Delta + pid_bh.to(tl.int64) * L + offs_m, delta, mask=offs_m < L)


# --------------------------------------------------------------------------- dk, dv


@triton.jit
def _dkdv_over_queries(dk, dv, k, v, key_bias, q_ptrs, do_ptrs, lse_ptr, delta_ptr, stride_qm,
                       stride_dm, offs_n, lo, hi, L, qk_scale,
                       MASKED: tl.constexpr, IS_CAUSAL: tl.constexpr, BLOCK_M: tl.constexpr,
                       DOT_PRECISION: tl.constexpr):
    """Add the contributions of query blocks lo, lo + BLOCK_M, ... < hi to dk and dv.

    Works on transposed tiles, (keys, queries), so that dk and dv come out as
    ``dot(ds^T, q)`` and ``dot(p^T, do)`` without transposing the accumulators.
    """
    for start_m in tl.range(lo, hi, BLOCK_M):
        offs_m = start_m + tl.arange(0, BLOCK_M)
        if MASKED:
            rows = offs_m < L
            q = tl.load(q_ptrs + start_m * stride_qm, mask=rows[:, None], other=0.0)
            do = tl.load(do_ptrs + start_m * stride_dm, mask=rows[:, None], other=0.0)
            lse2 = tl.load(lse_ptr + offs_m, mask=rows, other=0.0) * 1.4426950408889634
            delta = tl.load(delta_ptr + offs_m, mask=rows, other=0.0)
        else:
            q = tl.load(q_ptrs + start_m * stride_qm)
            do = tl.load(do_ptrs + start_m * stride_dm)
            lse2 = tl.load(lse_ptr + offs_m) * 1.4426950408889634
            delta = tl.load(delta_ptr + offs_m)
        # Scores of these keys for these queries, log2 domain: (BLOCK_N, BLOCK_M); keys past
        # S get -inf from key_bias (one FMA). Queries past L need no mask: their do is 0.
        s_t = tl.dot(k, tl.trans(q), input_precision=DOT_PRECISION) * qk_scale + key_bias[:, None]
        if MASKED and IS_CAUSAL:
            s_t = tl.where(offs_n[:, None] <= offs_m[None, :], s_t, float("-inf"))
        # The probabilities, exact: the saved log-sum-exp is the softmax's denominator.
        p_t = tl.math.exp2(s_t - lse2[None, :])
        dv = tl.dot(p_t.to(do.dtype), do, dv, input_precision=DOT_PRECISION)
        dp_t = tl.dot(v, tl.trans(do), input_precision=DOT_PRECISION)
        ds_t = p_t * (dp_t - delta[None, :])
        dk = tl.dot(ds_t.to(q.dtype), q, dk, input_precision=DOT_PRECISION)
    return dk, dv


@triton.jit
def _dkdv_kernel(Q, K, V, dOut, Lse, Delta, dK, dV,
                 stride_qb, stride_qh, stride_qm, stride_qd,
                 stride_kb, stride_kh, stride_kn, stride_kd,
                 stride_vb, stride_vh, stride_vn, stride_vd,
                 stride_db, stride_dh, stride_dm, stride_dd,
                 H, L, S, qk_scale, scale, L_KEY, S_KEY,
                 IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
                 BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """dk and dv of keys ``[pid_n * BLOCK_N, pid_n * BLOCK_N + BLOCK_N)`` of one (batch, head).

    dK and dV are contiguous ``(B, H, S, D)``; Lse and Delta contiguous ``(B, H, L)``.
    """
    pid_n = tl.program_id(0)  # causal: the first key blocks, seen by most queries, start first
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    start_n = pid_n * BLOCK_N
    offs_n = start_n + tl.arange(0, BLOCK_N)
    offs_m = tl.arange(0, BLOCK_M)
    offs_d = tl.arange(0, HEAD_DIM)
    cols = offs_n[:, None] < S
    k = tl.load(K + b.to(tl.int64) * stride_kb + h.to(tl.int64) * stride_kh
                + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd, mask=cols, other=0.0)
    v = tl.load(V + b.to(tl.int64) * stride_vb + h.to(tl.int64) * stride_vh
                + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd, mask=cols, other=0.0)
    q_ptrs = (Q + b.to(tl.int64) * stride_qb + h.to(tl.int64) * stride_qh
              + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd)
    do_ptrs = (dOut + b.to(tl.int64) * stride_db + h.to(tl.int64) * stride_dh
               + offs_m[:, None] * stride_dm + offs_d[None, :] * stride_dd)
    lse_ptr = Lse + pid_bh.to(tl.int64) * L
    delta_ptr = Delta + pid_bh.to(tl.int64) * L

    # A key past S is loaded as zeros; its score must still be -inf (p = 0): with p > 0 its
    # ds = -p * delta can overflow fp16 and turn into NaN (it is never stored, but stays clean).
    key_bias = tl.where(offs_n < S, 0.0, float("-inf"))
    dk = tl.zeros([BLOCK_N, HEAD_DIM], dtype=tl.float32)
    dv = tl.zeros([BLOCK_N, HEAD_DIM], dtype=tl.float32)
    # Query blocks [0, full_end) are whole (no row past L). Causal: query i sees key j
    # when j <= i, so queries before this key block see none of it (skipped), and the
    # query blocks that overlap the key block, [diag_lo, diag_hi), need the mask.
    full_end = (L // BLOCK_M) * BLOCK_M
    if IS_CAUSAL:
        diag_lo = (start_n // BLOCK_M) * BLOCK_M
        diag_hi = tl.cdiv(start_n + BLOCK_N, BLOCK_M) * BLOCK_M
        dk, dv = _dkdv_over_queries(dk, dv, k, v, key_bias, q_ptrs, do_ptrs, lse_ptr, delta_ptr,
                                    stride_qm, stride_dm, offs_n, diag_lo,
                                    tl.minimum(diag_hi, L), L, qk_scale,
                                    True, True, BLOCK_M, DOT_PRECISION)
        dk, dv = _dkdv_over_queries(dk, dv, k, v, key_bias, q_ptrs, do_ptrs, lse_ptr, delta_ptr,
                                    stride_qm, stride_dm, offs_n, diag_hi, full_end, L, qk_scale,
                                    False, True, BLOCK_M, DOT_PRECISION)
        tail = tl.maximum(full_end, diag_hi)
    else:
        dk, dv = _dkdv_over_queries(dk, dv, k, v, key_bias, q_ptrs, do_ptrs, lse_ptr, delta_ptr,
                                    stride_qm, stride_dm, offs_n, 0, full_end, L, qk_scale,
                                    False, False, BLOCK_M, DOT_PRECISION)
        tail = full_end
    dk, dv = _dkdv_over_queries(dk, dv, k, v, key_bias, q_ptrs, do_ptrs, lse_ptr, delta_ptr,
                                stride_qm, stride_dm, offs_n, tail, L, L, qk_scale,
                                True, IS_CAUSAL, BLOCK_M, DOT_PRECISION)
    # ds was the gradient of the scaled scores; the scores are scale * q . k.
    dk = dk * scale
    out_offs = pid_bh.to(tl.int64) * S * HEAD_DIM + offs_n[:, None] * HEAD_DIM + offs_d[None, :]
    tl.store(dK + out_offs, dk.to(dK.dtype.element_ty), mask=cols)
    tl.store(dV + out_offs, dv.to(dV.dtype.element_ty), mask=cols)


# --------------------------------------------------------------------------- dq


@triton.jit
def _dq_over_keys(dq, q, do, lse2, delta, k_ptrs, v_ptrs, stride_kn, stride_vn,
                  offs_m, lo, hi, S, qk_scale,
                  MASKED: tl.constexpr, IS_CAUSAL: tl.constexpr, BLOCK_N: tl.constexpr,
                  DOT_PRECISION: tl.constexpr):
    """Add the contributions of key blocks lo, lo + BLOCK_N, ... < hi to dq."""
    for start_n in tl.range(lo, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        if MASKED:
            k = tl.load(k_ptrs + start_n * stride_kn, mask=offs_n[:, None] < S, other=0.0)
            v = tl.load(v_ptrs + start_n * stride_vn, mask=offs_n[:, None] < S, other=0.0)
        else:
            k = tl.load(k_ptrs + start_n * stride_kn)
            v = tl.load(v_ptrs + start_n * stride_vn)
        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * qk_scale
        if MASKED:
            keep = offs_n[None, :] < S
            if IS_CAUSAL:
                keep = keep & (offs_n[None, :] <= offs_m[:, None])
            s = tl.where(keep, s, float("-inf"))
        p = tl.math.exp2(s - lse2[:, None])
        dp = tl.dot(do, tl.trans(v), input_precision=DOT_PRECISION)
        ds = p * (dp - delta[:, None])
        dq = tl.dot(ds.to(k.dtype), k, dq, input_precision=DOT_PRECISION)
    return dq


@triton.jit
def _dq_kernel(Q, K, V, dOut, Lse, Delta, dQ,
               stride_qb, stride_qh, stride_qm, stride_qd,
               stride_kb, stride_kh, stride_kn, stride_kd,
               stride_vb, stride_vh, stride_vn, stride_vd,
               stride_db, stride_dh, stride_dm, stride_dd,
               H, L, S, qk_scale, scale, L_KEY, S_KEY,
               IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
               BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """dq of queries ``[pid_m * BLOCK_M, pid_m * BLOCK_M + BLOCK_M)``; dQ contiguous."""
    pid_m = tl.program_id(0)
    if IS_CAUSAL:  # the last query blocks see the most keys: start them first
        pid_m = tl.num_programs(0) - 1 - pid_m
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    start_m = pid_m * BLOCK_M
    offs_m = start_m + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)
    rows = offs_m < L
    q = tl.load(Q + b.to(tl.int64) * stride_qb + h.to(tl.int64) * stride_qh
                + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd,
                mask=rows[:, None], other=0.0)
    do = tl.load(dOut + b.to(tl.int64) * stride_db + h.to(tl.int64) * stride_dh
                 + offs_m[:, None] * stride_dm + offs_d[None, :] * stride_dd,
                 mask=rows[:, None], other=0.0)
    lse2 = tl.load(Lse + pid_bh.to(tl.int64) * L + offs_m, mask=rows, other=0.0) * 1.4426950408889634
    delta = tl.load(Delta + pid_bh.to(tl.int64) * L + offs_m, mask=rows, other=0.0)
    k_ptrs = (K + b.to(tl.int64) * stride_kb + h.to(tl.int64) * stride_kh
              + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd)
    v_ptrs = (V + b.to(tl.int64) * stride_vb + h.to(tl.int64) * stride_vh
              + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd)

    dq = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)
    # As in the forward pass: keys [0, full_end) need no mask, [full_end, hi) do, and
    # keys after the block's last query are skipped when causal.
    full_end = (S // BLOCK_N) * BLOCK_N
    hi = S
    if IS_CAUSAL:
        full_end = tl.minimum(full_end, (start_m // BLOCK_N) * BLOCK_N)
        hi = tl.minimum(S, start_m + BLOCK_M)
    dq = _dq_over_keys(dq, q, do, lse2, delta, k_ptrs, v_ptrs, stride_kn, stride_vn, offs_m,
                       0, full_end, S, qk_scale, False, IS_CAUSAL, BLOCK_N, DOT_PRECISION)
    dq = _dq_over_keys(dq, q, do, lse2, delta, k_ptrs, v_ptrs, stride_kn, stride_vn, offs_m,
                       full_end, hi, S, qk_scale, True, IS_CAUSAL, BLOCK_N, DOT_PRECISION)
    dq = dq * scale
    tl.store(dQ + pid_bh.to(tl.int64) * L * HEAD_DIM + offs_m[:, None] * HEAD_DIM + offs_d[None, :],
             dq.to(dQ.dtype.element_ty), mask=rows[:, None])


# --------------------------------------------------------------------------- configurations

# (BLOCK_M, BLOCK_N, num_warps, num_stages). Not yet timed on a GPU: candidates that fit
# the registers when compiled for sm_90 (dk and dv are two fp32 (BLOCK_N, D) accumulators;
# python -m graders.tools.compile_flash_kernels). At D = 128, 64x128/8 warps spills 344
# bytes and 64x64/8 warps 120 bytes (causal), so 32x64/4 warps comes first there.
_DKDV_CONFIGS = {
    "small_d": [(64, 128, 8, 2), (32, 128, 4, 3), (64, 64, 4, 3)],
    "d128": [(32, 64, 4, 3), (64, 64, 8, 2), (64, 32, 4, 3)],
    "fp32": [(32, 64, 4, 2)],
}
_DQ_CONFIGS = {
    "small_d": [(128, 64, 8, 2), (128, 32, 4, 3), (64, 64, 4, 3)],
    "d128": [(64, 64, 8, 2), (128, 32, 8, 2), (64, 32, 4, 3)],
    "fp32": [(64, 32, 4, 2)],
}
_INTERPRETER_BLOCKS = {"dkdv": (32, 64), "dq": (64, 32)}


def _family(dtype: torch.dtype, head_dim: int) -> str:
    if dtype == torch.float32:
        return "fp32"
    return "d128" if head_dim == 128 else "small_d"


def _autotuned(kernel, table):
    def prune(configs, named_args, **kwargs):
        wanted = set(table[_family(named_args["Q"].dtype, kwargs["HEAD_DIM"])])
        return [c for c in configs if (c.kwargs["BLOCK_M"], c.kwargs["BLOCK_N"], c.num_warps,
                                       c.num_stages) in wanted]

    configs = sorted({c for family in table.values() for c in family})
    return triton.autotune(
        configs=[triton.Config({"BLOCK_M": bm, "BLOCK_N": bn}, num_warps=w, num_stages=st)
                 for bm, bn, w, st in configs],
        key=["L_KEY", "S_KEY", "HEAD_DIM", "IS_CAUSAL", "DOT_PRECISION"],
        prune_configs_by={"early_config_prune": prune},
    )(kernel)


_tuned_dkdv = _autotuned(_dkdv_kernel, _DKDV_CONFIGS)
_tuned_dq = _autotuned(_dq_kernel, _DQ_CONFIGS)


# --------------------------------------------------------------------------- the launchers


def _check_backward_inputs(grad_out, q, k, v, out, lse, is_causal, scale) -> None:
    for name, t in (("grad_out", grad_out), ("out", out), ("lse", lse)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    _check_inputs(q, k, v, is_causal, scale)
    for name, t in (("grad_out", grad_out), ("out", out)):
        if tuple(t.shape) != tuple(q.shape):
            raise ValueError(f"{name} must have q's shape {tuple(q.shape)}, got {tuple(t.shape)}")
        if t.dtype != q.dtype:
            raise TypeError(f"{name} must have q's dtype {q.dtype}, got {t.dtype}")
    if tuple(lse.shape) != tuple(q.shape[:3]):
        raise ValueError(f"lse must have shape (B, H, L) = {tuple(q.shape[:3])}, got "
                         f"{tuple(lse.shape)}")
    if lse.dtype != torch.float32:
        raise TypeError(f"lse must be float32 (the forward pass saves it so), got {lse.dtype}")
    for name, t in (("grad_out", grad_out), ("out", out), ("lse", lse)):
        if t.device != q.device:
            raise ValueError(f"{name} is on {t.device}, q on {q.device}: one device for all")


def flash_attention_forward(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *,
                            is_causal: bool = False,
                            scale: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The forward kernel's output and each row's log-sum-exp (float32, ``(B, H, L)``)."""
    _check_inputs(q, k, v, is_causal, scale)
    B, H, L, D = q.shape
    S = k.shape[2]
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    lse = torch.empty((B, H, L), dtype=torch.float32, device=q.device)
    if S == 0:  # no keys: zeros, and the log of an empty sum
        return torch.zeros_like(q), lse.fill_(float("-inf"))
    out = torch.empty_like(q)
    if B * H * L:
        _launch(q, k, v, out, is_causal=is_causal, scale=scale, lse=lse)
    return out, lse


def flash_attention_backward(grad_out: torch.Tensor, q: torch.Tensor, k: torch.Tensor,
                             v: torch.Tensor, out: torch.Tensor, lse: torch.Tensor, *,
                             is_causal: bool = False, scale: float | None = None
                             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gradients (dq, dk, dv) of attention, given the output gradient and the saved lse."""
    _check_backward_inputs(grad_out, q, k, v, out, lse, is_causal, scale)
    B, H, L, D = q.shape
    S = k.shape[2]
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    if B * H * L == 0 or S == 0:  # nothing flows: the output is empty or all zeros
        return torch.zeros_like(q), torch.zeros_like(k), torch.zeros_like(v)
    # The kernels write contiguous (B, H, *, D) gradients, whatever the inputs' strides.
    dq, dk, dv = (torch.empty(t.shape, dtype=t.dtype, device=t.device) for t in (q, k, v))
    _launch_backward(grad_out, q, k, v, out, lse, dq, dk, dv, is_causal=is_causal, scale=scale)
    return dq, dk, dv


def _launch_backward(grad_out, q, k, v, out, lse, dq, dk, dv, *, is_causal: bool,
                     scale: float) -> None:
    """Run the three kernels: delta, then dk and dv, then dq (dq, dk, dv contiguous)."""
    if INTERPRET and q.dtype == torch.bfloat16:
        # Triton's interpreter cannot compute in bfloat16: run float32 copies, round after.
        grads32 = [torch.empty(t.shape, dtype=torch.float32) for t in (dq, dk, dv)]
        _launch_backward(grad_out.float(), q.float(), k.float(), v.float(), out.float(), lse,
                         *grads32, is_causal=is_causal, scale=scale)
        for t, t32 in zip((dq, dk, dv), grads32):
            t.copy_(t32)
        return
    B, H, L, D = q.shape
    S = k.shape[2]
    lse = lse.contiguous()
    delta = torch.empty((B, H, L), dtype=torch.float32, device=q.device)
    precision = "tf32"  # fp16/bf16 dots ignore it
    if q.dtype == torch.float32:  # float32 accuracy: 3xTF32 on tensor cores, else plain FMAs
        tensor_cores = not q.is_cuda or torch.cuda.get_device_capability(q.device)[0] >= 8
        precision = "tf32x3" if tensor_cores else "ieee"
    inputs = (q, k, v, grad_out, lse, delta)
    strides = (*q.stride(), *k.stride(), *v.stride(), *grad_out.stride())
    sizes = (H, L, S, scale * LOG2E, scale, triton.next_power_of_2(L), triton.next_power_of_2(S))
    meta = dict(IS_CAUSAL=is_causal, HEAD_DIM=D, DOT_PRECISION=precision)
    family = _family(q.dtype, D)
    with torch.cuda.device(q.device) if q.is_cuda else contextlib.nullcontext():
        _delta_kernel[(triton.cdiv(L, 64), B * H)](
            out, grad_out, delta, *out.stride(), *grad_out.stride(), H, L,
            HEAD_DIM=D, BLOCK_M=64)
        # dk, dv: one program per BLOCK_N keys; dq: one program per BLOCK_M queries.
        jobs = ((_dkdv_kernel, _tuned_dkdv, _DKDV_CONFIGS, (dk, dv), "BLOCK_N", S,
                 _INTERPRETER_BLOCKS["dkdv"]),
                (_dq_kernel, _tuned_dq, _DQ_CONFIGS, (dq,), "BLOCK_M", L,
                 _INTERPRETER_BLOCKS["dq"]))
        for kernel, tuned_kernel, table, grads, walked, length, interpreter_blocks in jobs:
            args = (*inputs, *grads, *strides, *sizes)
            if INTERPRET:
                block_m, block_n = interpreter_blocks
                launch = {}
            elif L * S >= _AUTOTUNE_MIN_WORK:  # pragma: no cover - needs a GPU
                tuned_kernel[lambda opts, length=length, walked=walked: (triton.cdiv(length, opts[walked]), B * H)](*args, **meta)
                continue
            else:  # pragma: no cover - needs a GPU
                block_m, block_n, warps, stages = table[family][0]
                launch = dict(num_warps=warps, num_stages=stages)
            block = block_n if walked == "BLOCK_N" else block_m
            kernel[(triton.cdiv(length, block), B * H)](
                *args, **meta, BLOCK_M=block_m, BLOCK_N=block_n, **launch)


class FlashAttentionFunction(torch.autograd.Function):
    """Fused attention with a fused backward pass: saves q, k, v, out and lse (not p)."""

    @staticmethod
    def forward(ctx, q, k, v, is_causal, scale):
        out, lse = flash_attention_forward(q, k, v, is_causal=is_causal, scale=scale)
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.is_causal = is_causal
        ctx.scale = scale
        return out

    @staticmethod
    def backward(ctx, grad_out):
        q, k, v, out, lse = ctx.saved_tensors
        dq, dk, dv = flash_attention_backward(grad_out, q, k, v, out, lse,
                                              is_causal=ctx.is_causal, scale=ctx.scale)
        return dq, dk, dv, None, None  # no gradient for is_causal and scale


def flash_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, is_causal: bool = False,
                    scale: float | None = None) -> torch.Tensor:
    """Differentiable fused attention: the forward kernel, and the backward kernels for autograd."""
    return FlashAttentionFunction.apply(q, k, v, is_causal, scale)


__all__ = ["DTYPES", "FlashAttentionFunction", "flash_attention", "flash_attention_backward",
           "flash_attention_forward"]
