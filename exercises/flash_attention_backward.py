"""Exercise: flash_attention_backward -- training through the fused kernel (GPU track).

Course section: chapter 3, "Pre-training" and "Attention mechanisms". Do the
``flash_attention`` exercise first: this one uses your forward kernel.

Training needs gradients. PyTorch's autograd would differentiate the three-line
attention of the ``attention`` exercise by keeping its ``(L, S)`` probability matrix for
the backward pass -- exactly the memory the fused forward kernel avoids. FlashAttention's
answer is to keep almost nothing: the forward pass saves one number per query row, the
**log-sum-exp** of its scaled scores, ``lse_i = log(sum_j exp(s_ij))``; the backward pass
recomputes every probability tile from ``q``, ``k`` and that number,
``p_ij = exp(s_ij - lse_i)`` -- exact, no running max, no rescaling -- uses it and throws
it away. Recomputing costs one more matmul per tile; not storing ``p`` saves ``L x S``
numbers per head, and the memory traffic that goes with them.

The gradients
-------------
Per (batch, head), with ``s = scale * q k^T`` (masked with ``-inf`` where causal),
``p = softmax(s)`` by rows, ``o = p v`` and ``do`` the gradient of the loss with respect
to ``o`` (``grad_out``):

* ``dv = p^T do`` -- each value gets the output gradients weighted by how much each
  query looked at it;
* ``dp = do v^T`` -- the gradient of each probability;
* ``ds = p * (dp - delta)`` -- through the softmax, where ``delta_i = sum_j p_ij dp_ij``,
  which equals ``sum_d do_id * o_id`` (a row sum over ``D`` instead of over ``S``: the
  given ``_delta_kernel`` computes it first);
* ``dq = scale * ds k`` and ``dk = scale * ds^T q`` -- ``s`` is ``scale`` times ``q . k``.

Worked example (one query, D = 1, two keys, scale 1): ``q = 1``, ``k = [1, 2]``,
``v = [10, 20]``, ``do = 1``. Then ``s = [1, 2]``, ``lse = log(e + e^2) = 2.3133``,
``p = exp(s - lse) = [0.2689, 0.7311]``, ``o = 17.311``; ``dv = p * do = [0.2689, 0.7311]``;
``dp = [10, 20]``, ``delta = do * o = 17.311``; ``ds = p * (dp - delta) = [-1.966, 1.966]``;
``dq = ds . k = 1.966`` and ``dk = ds * q = [-1.966, 1.966]``.

The task
--------
You write four things (the TODOs):

1. the body of ``_dkdv_kernel``: one program per ``BLOCK_N`` keys of one (batch, head),
   looping over the query blocks, accumulating ``dk`` and ``dv`` for its keys in float32;
2. the body of ``_dq_kernel``: one program per ``BLOCK_M`` queries, looping over the key
   blocks, accumulating ``dq`` (like your forward kernel's loop, with ``p`` from ``lse``);
3. ``flash_attention_backward``: check (``_check_backward_inputs``, given), handle the
   empty cases, allocate, call ``_launch_backward`` (given);
4. ``FlashAttentionFunction``: the ``torch.autograd.Function`` that makes
   ``flash_attention`` (given) differentiable -- ``forward`` runs
   ``flash_attention_forward`` (given: your forward kernel, which also stores ``lse``) and
   saves what ``backward`` needs; ``backward`` calls ``flash_attention_backward``.

Two kernels instead of one: the dk/dv program owns its keys and the dq program owns its
queries, so every gradient element is written by exactly one program -- no atomic adds
(FlashAttention-2's choice). Both recompute ``p``.

Details that matter
-------------------
* **log2 domain**: as in the forward kernel, the kernels get ``qk_scale = scale *
  log2(e)`` and use ``tl.math.exp2``. ``lse`` is saved in natural log: multiply it by
  log2(e) = ``1.4426950408889634`` after loading, as the given code of ``_dq_kernel``
  does (``p = exp2(s * log2(e) - lse * log2(e))``; a kernel cannot read the Python
  global ``LOG2E``).
* **float32**: ``dk``, ``dv``, ``dq`` accumulate in float32 (``tl.dot(a, b, acc)``); cast
  ``p`` and ``ds`` to the input dtype only as operands of ``tl.dot``.
* **Masks**: load the query rows past ``L`` and the key rows past ``S`` with a mask and
  ``other=0.0`` (never read past the end). A missing key still needs a ``-inf`` score:
  with ``k = 0`` its score is 0 and ``p = exp(0 - lse) > 0``; its ``ds`` is then
  ``-p * delta``, which in fp16 can overflow to ``-inf``, and ``-inf * 0`` is NaN in
  ``dq``. A missing query needs no score mask: its ``do`` is 0, so it adds nothing. Where
  causal, query ``i`` sees key ``j`` when ``j <= i`` (top-left aligned, as in the forward
  pass): in ``_dkdv_kernel`` the query blocks that end before the key block starts see
  none of its keys -- start the loop at the query block holding ``start_n``; in
  ``_dq_kernel`` stop at the block's last query, as in the forward kernel.
* **The scale**: ``ds`` is the gradient with respect to the scaled scores; multiply the
  finished ``dk`` and ``dq`` by ``scale`` (the natural one, passed as ``scale``; not
  ``qk_scale``). ``dv`` has no scale.
* **Empty cases** (in ``flash_attention_backward``, without launching): ``S == 0`` (the
  output was all zeros and does not depend on ``q``) and ``B * H * L == 0`` give zero
  gradients of the right shapes.

How it is checked
-----------------
On the CPU through Triton's interpreter, against PyTorch autograd of attention in
float64: ``flash_attention_backward`` with random output gradients (causal and not,
``L != S``, ragged lengths, fp32/fp16/bf16, explicit scales, transposed views), the
keys no query sees getting zero gradients, inputs left unchanged, no PyTorch compute
operators in the call, and ``flash_attention`` trained through ``loss.backward()``. On a
CUDA GPU also the throughput of ``flash_attention_backward`` against the backward pass
of PyTorch's own FlashAttention (``bf16``/``fp16``, ``(4, 16, 4096, 64)`` and
``(2, 16, 4096, 128)``, causal and not).
"""

from __future__ import annotations

import contextlib
import math

import torch
import triton
import triton.language as tl

from .flash_attention import DTYPES, HEAD_DIMS, INTERPRET, LOG2E, _launch

# --------------------------------------------------------------------------- given: delta


@triton.jit
def _delta_kernel(Out, dOut, Delta,
                  stride_ob, stride_oh, stride_om, stride_od,
                  stride_db, stride_dh, stride_dm, stride_dd,
                  H, L, HEAD_DIM: tl.constexpr, BLOCK_M: tl.constexpr):
    """Given: ``delta[b, h, i] = sum_d dout[b, h, i, d] * out[b, h, i, d]`` in float32."""
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


# --------------------------------------------------------------------------- TODO: dk, dv


@triton.jit
def _dkdv_kernel(Q, K, V, dOut, Lse, Delta, dK, dV,
                 stride_qb, stride_qh, stride_qm, stride_qd,
                 stride_kb, stride_kh, stride_kn, stride_kd,
                 stride_vb, stride_vh, stride_vn, stride_vd,
                 stride_db, stride_dh, stride_dm, stride_dd,
                 H, L, S, qk_scale, scale,
                 IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
                 BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """dk and dv of keys ``[pid_n * BLOCK_N, pid_n * BLOCK_N + BLOCK_N)`` of one (batch, head).

    ``Lse`` and ``Delta`` are contiguous float32 ``(B, H, L)``; ``dK`` and ``dV``
    contiguous ``(B, H, S, D)``. Work on transposed tiles, (keys, queries): then
    ``dv += dot(p^T, do)`` and ``dk += dot(ds^T, q)`` need no transposed accumulator.
    """
    # ---- given: this program's keys, their k and v tiles, pointers to the first query block
    pid_n = tl.program_id(0)
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    start_n = pid_n * BLOCK_N
    offs_n = start_n + tl.arange(0, BLOCK_N)   # this program's keys
    offs_m = tl.arange(0, BLOCK_M)             # query offsets within a query block
    offs_d = tl.arange(0, HEAD_DIM)
    cols = offs_n[:, None] < S
    k = tl.load(K + b.to(tl.int64) * stride_kb + h.to(tl.int64) * stride_kh
                + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd, mask=cols, other=0.0)
    v = tl.load(V + b.to(tl.int64) * stride_vb + h.to(tl.int64) * stride_vh
                + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd, mask=cols, other=0.0)
    # The block of queries starting at start_m is at q_ptrs + start_m * stride_qm (same for do);
    # its lse and delta at lse_ptr + start_m + offs_m and delta_ptr + start_m + offs_m.
    q_ptrs = (Q + b.to(tl.int64) * stride_qb + h.to(tl.int64) * stride_qh
              + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd)
    do_ptrs = (dOut + b.to(tl.int64) * stride_db + h.to(tl.int64) * stride_dh
               + offs_m[:, None] * stride_dm + offs_d[None, :] * stride_dd)
    lse_ptr = Lse + pid_bh.to(tl.int64) * L
    delta_ptr = Delta + pid_bh.to(tl.int64) * L
    dk = tl.zeros([BLOCK_N, HEAD_DIM], dtype=tl.float32)
    dv = tl.zeros([BLOCK_N, HEAD_DIM], dtype=tl.float32)

    # ---- TODO 1: the first query block. 0; when IS_CAUSAL the block holding query start_n
    # ((start_n // BLOCK_M) * BLOCK_M): earlier queries see none of these keys.
    lo = 0
    for start_m in tl.range(lo, L, BLOCK_M):
        rows = start_m + offs_m  # the query indices of this block, (BLOCK_M,)
        # ---- TODO 2: load q and do, (BLOCK_M, HEAD_DIM), with mask=rows[:, None] < L,
        #      other=0.0; lse2 = (lse of these rows) * 1.4426950408889634 and delta, (BLOCK_M,), masked too.
        # ---- TODO 3: s_t = tl.dot(k, tl.trans(q), input_precision=DOT_PRECISION) * qk_scale,
        #      (BLOCK_N, BLOCK_M); -inf (tl.where) where the key does not exist
        #      (offs_n[:, None] >= S) and, when IS_CAUSAL, where the key is after the query
        #      (offs_n[:, None] > rows[None, :]).
        # ---- TODO 4: p_t = tl.math.exp2(s_t - lse2[None, :]).
        # ---- TODO 5: dv = tl.dot(p_t.to(do.dtype), do, dv, input_precision=DOT_PRECISION).
        # ---- TODO 6: dp_t = tl.dot(v, tl.trans(do), ...); ds_t = p_t * (dp_t - delta[None, :]).
        # ---- TODO 7: dk = tl.dot(ds_t.to(q.dtype), q, dk, input_precision=DOT_PRECISION).
        pass
    # ---- TODO 8: dk = dk * scale (ds is the gradient of the *scaled* scores).

    # ---- given: store the keys that exist.
    out_offs = pid_bh.to(tl.int64) * S * HEAD_DIM + offs_n[:, None] * HEAD_DIM + offs_d[None, :]
    tl.store(dK + out_offs, dk.to(dK.dtype.element_ty), mask=cols)
    tl.store(dV + out_offs, dv.to(dV.dtype.element_ty), mask=cols)


# --------------------------------------------------------------------------- TODO: dq


@triton.jit
def _dq_kernel(Q, K, V, dOut, Lse, Delta, dQ,
               stride_qb, stride_qh, stride_qm, stride_qd,
               stride_kb, stride_kh, stride_kn, stride_kd,
               stride_vb, stride_vh, stride_vn, stride_vd,
               stride_db, stride_dh, stride_dm, stride_dd,
               H, L, S, qk_scale, scale,
               IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
               BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """dq of queries ``[pid_m * BLOCK_M, pid_m * BLOCK_M + BLOCK_M)``; ``dQ`` contiguous."""
    # ---- given: this program's queries, their q, do, lse (log2 domain) and delta
    pid_m = tl.program_id(0)
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

    # ---- TODO 9: the end of the key range: S; when IS_CAUSAL tl.minimum(S, start_m + BLOCK_M).
    hi = S
    for start_n in tl.range(0, hi, BLOCK_N):
        cols = start_n + offs_n  # the key indices of this block, (BLOCK_N,)
        # ---- TODO 10: load k and v, (BLOCK_N, HEAD_DIM), with mask=cols[:, None] < S, other=0.0.
        # ---- TODO 11: s = tl.dot(q, tl.trans(k), ...) * qk_scale, (BLOCK_M, BLOCK_N); -inf
        #      where cols[None, :] >= S and, when IS_CAUSAL, where cols[None, :] > offs_m[:, None].
        # ---- TODO 12: p = tl.math.exp2(s - lse2[:, None]); dp = tl.dot(do, tl.trans(v), ...);
        #      ds = p * (dp - delta[:, None]); dq = tl.dot(ds.to(k.dtype), k, dq, ...).
        pass
    # ---- TODO 13: dq = dq * scale.

    # ---- given: store the rows that exist.
    tl.store(dQ + pid_bh.to(tl.int64) * L * HEAD_DIM + offs_m[:, None] * HEAD_DIM + offs_d[None, :],
             dq.to(dQ.dtype.element_ty), mask=rows[:, None])


# --------------------------------------------------------------------------- given: launchers


def _check_attention_inputs(q, k, v, is_causal, scale) -> None:
    """Given: the input errors of ``flash_attention`` (TypeError for a wrong type or dtype,
    ValueError for a wrong shape, device or value; the message names the argument)."""
    named = {"q": q, "k": k, "v": v}
    wrong_type = [name for name, t in named.items() if not isinstance(t, torch.Tensor)]
    if wrong_type:
        raise TypeError(f"{wrong_type[0]} must be a torch.Tensor, got "
                        f"{type(named[wrong_type[0]]).__name__}")
    wrong_rank = [name for name, t in named.items() if t.dim() != 4]
    if wrong_rank:
        raise ValueError(f"{wrong_rank[0]} must be 4-D (B, H, length, D), got shape "
                         f"{tuple(named[wrong_rank[0]].shape)}")
    if q.dtype not in DTYPES or {k.dtype, v.dtype} != {q.dtype}:
        raise TypeError(f"q, k, v need one dtype among float16, bfloat16, float32; got "
                        f"{q.dtype}, {k.dtype}, {v.dtype}")
    B, H, L, D = q.shape
    if D not in HEAD_DIMS:
        raise ValueError(f"head dimension D = q.shape[-1] = {D} is not supported; expected one "
                         f"of {HEAD_DIMS}")
    if (k.shape[0], k.shape[1], k.shape[3]) != (B, H, D) or v.shape != k.shape:
        raise ValueError(f"k and v must have shape (B, H, S, D) = ({B}, {H}, S, {D}), got "
                         f"k {tuple(k.shape)}, v {tuple(v.shape)}")
    if type(is_causal) is not bool:
        raise TypeError(f"is_causal must be True or False, got {is_causal!r}")
    if scale is not None and (type(scale) not in (int, float) or not math.isfinite(scale)):
        error = TypeError if type(scale) not in (int, float) else ValueError
        raise error(f"scale must be None or a finite number, got {scale!r}")
    if {k.device, v.device} != {q.device}:
        raise ValueError(f"q, k, v must be on one device, got {q.device}, {k.device}, {v.device}")
    if q.device.type != "cuda" and not INTERPRET:
        raise ValueError(f"q, k, v are on {q.device}: the kernels need CUDA tensors (or "
                         "Triton's CPU interpreter: TRITON_INTERPRET=1 before importing)")


def _check_backward_inputs(grad_out, q, k, v, out, lse, is_causal, scale) -> None:
    """Given: ``_check_attention_inputs``, then grad_out and out: tensors of q's shape and
    dtype; lse: a float32 ``(B, H, L)`` tensor; all on q's device. Each message names the
    argument at fault."""
    results = {"grad_out": grad_out, "out": out, "lse": lse}
    wrong_type = [name for name, t in results.items() if not isinstance(t, torch.Tensor)]
    if wrong_type:
        raise TypeError(f"{wrong_type[0]} must be a torch.Tensor, got "
                        f"{type(results[wrong_type[0]]).__name__}")
    _check_attention_inputs(q, k, v, is_causal, scale)
    B, H, L, _ = q.shape
    for name, t in (("grad_out", grad_out), ("out", out)):
        if tuple(t.shape) != tuple(q.shape):
            raise ValueError(f"{name} must have q's shape {tuple(q.shape)}, got {tuple(t.shape)}")
        if t.dtype != q.dtype:
            raise TypeError(f"{name} must have q's dtype {q.dtype}, got {t.dtype}")
    if tuple(lse.shape) != (B, H, L):
        raise ValueError(f"lse must have shape (B, H, L) = {(B, H, L)}, got {tuple(lse.shape)}")
    if lse.dtype != torch.float32:
        raise TypeError(f"lse must be float32 (the forward pass saves it so), got {lse.dtype}")
    for name, t in (("grad_out", grad_out), ("out", out), ("lse", lse)):
        if t.device != q.device:
            raise ValueError(f"{name} is on {t.device}, q on {q.device}: one device for all")


def flash_attention_forward(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *,
                            is_causal: bool = False,
                            scale: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Given: your forward kernel's output and each row's log-sum-exp.

    Returns ``(out, lse)``: ``out`` as ``flash_attention.flash_attention`` returns it, and
    ``lse[b, h, i] = log(sum_j exp(scale * q_i . k_j))`` over the keys query ``i`` sees,
    float32 ``(B, H, L)`` (``-inf`` when ``S == 0``).
    """
    _check_attention_inputs(q, k, v, is_causal, scale)
    B, H, L, D = q.shape
    S = k.shape[2]
    scale = D ** -0.5 if scale is None else float(scale)
    lse = torch.empty((B, H, L), dtype=torch.float32, device=q.device)
    if S == 0:
        return torch.zeros_like(q), lse.fill_(float("-inf"))
    out = torch.empty_like(q)
    if B * H * L:
        _launch(q, k, v, out, is_causal=is_causal, scale=scale, lse=lse)
        if not bool(torch.isfinite(lse).all()):  # every row sees key 0: lse is finite
            raise NotImplementedError(
                "flash_attention_forward: your flash_attention kernel left lse inf or NaN; "
                "finish (or fix) the flash_attention exercise first")
    return out, lse


def _launch_backward(grad_out, q, k, v, out, lse, dq, dk, dv, *, is_causal: bool,
                     scale: float) -> None:
    """Given: run the three kernels (delta, dk/dv, dq) writing into ``dq``, ``dk``, ``dv``.

    Expects checked inputs with ``B * H * L >= 1`` and ``S >= 1``, a float ``scale``, and
    ``dq``, ``dk``, ``dv`` new contiguous tensors shaped and typed like ``q``, ``k``, ``v``.
    """
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
    if INTERPRET:
        (bm1, bn1, w1, st1), (bm2, bn2, w2, st2) = (32, 64, 4, 1), (64, 32, 4, 1)
    elif q.dtype == torch.float32:
        (bm1, bn1, w1, st1), (bm2, bn2, w2, st2) = (32, 64, 4, 2), (64, 32, 4, 2)
    else:
        (bm1, bn1, w1, st1), (bm2, bn2, w2, st2) = (32, 128 if D <= 64 else 64, 4, 2), (64, 64, 4, 2)
    inputs = (q, k, v, grad_out, lse, delta)
    strides = (*q.stride(), *k.stride(), *v.stride(), *grad_out.stride())
    meta = dict(IS_CAUSAL=is_causal, HEAD_DIM=D, DOT_PRECISION=precision)
    with torch.cuda.device(q.device) if q.is_cuda else contextlib.nullcontext():
        _delta_kernel[(triton.cdiv(L, 64), B * H)](
            out, grad_out, delta, *out.stride(), *grad_out.stride(), H, L,
            HEAD_DIM=D, BLOCK_M=64)
        _dkdv_kernel[(triton.cdiv(S, bn1), B * H)](
            *inputs, dk, dv, *strides, H, L, S, scale * LOG2E, scale, **meta,
            BLOCK_M=bm1, BLOCK_N=bn1, num_warps=w1, num_stages=st1)
        _dq_kernel[(triton.cdiv(L, bm2), B * H)](
            *inputs, dq, *strides, H, L, S, scale * LOG2E, scale, **meta,
            BLOCK_M=bm2, BLOCK_N=bn2, num_warps=w2, num_stages=st2)


# --------------------------------------------------------------------------- TODO: Python


def flash_attention_backward(grad_out: torch.Tensor, q: torch.Tensor, k: torch.Tensor,
                             v: torch.Tensor, out: torch.Tensor, lse: torch.Tensor, *,
                             is_causal: bool = False, scale: float | None = None
                             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The gradients ``(dq, dk, dv)`` of attention with respect to ``q``, ``k``, ``v``.

    Args:
        grad_out: ``(B, H, L, D)``, the gradient of the loss with respect to the output.
        q, k, v: the forward pass's inputs (as for ``flash_attention``).
        out, lse: the forward pass's results (``flash_attention_forward``).
        is_causal, scale: as in the forward pass (``scale=None`` is ``1 / sqrt(D)``).

    Returns:
        New tensors ``dq``, ``dk``, ``dv`` shaped and typed like ``q``, ``k``, ``v``
        (contiguous), equal to what autograd gives for
        ``scaled_dot_product_attention(q, k, v, is_causal=is_causal, scale=scale)`` with
        output gradient ``grad_out``, within the dtype's tolerance. Zeros when ``S == 0``
        or ``B * H * L == 0``. Inputs are not modified.

    Raises (the message names the argument at fault, as spelled in the signature):
        The errors of ``_check_backward_inputs`` (given): call it first. ``TypeError``
        if ``grad_out``, ``out`` or ``lse`` is not a tensor, ``grad_out`` or ``out``
        has another dtype than ``q``, or ``lse`` is not float32; ``ValueError`` if
        ``grad_out`` or ``out`` is not shaped like ``q``, ``lse`` is not ``(B, H, L)``,
        or ``grad_out``, ``out`` or ``lse`` is on another device than ``q``; and, by
        ``_check_attention_inputs``, the errors of ``flash_attention`` about ``q``,
        ``k``, ``v``, ``is_causal`` and ``scale``.

    Steps: check; ``scale = 1 / sqrt(D)`` when ``None`` (a float otherwise); the empty
    cases; ``torch.empty`` for ``dq``, ``dk``, ``dv``; ``_launch_backward(...)``.
    """
    raise NotImplementedError("flash_attention_backward.flash_attention_backward: not implemented yet")


class FlashAttentionFunction(torch.autograd.Function):
    """Attention with the fused forward kernel and the fused backward kernels.

    ``FlashAttentionFunction.apply(q, k, v, is_causal, scale)`` returns the attention
    output; autograd then calls ``backward`` with the output's gradient. Save the
    tensors ``backward`` needs with ``ctx.save_for_backward(...)`` (``q``, ``k``, ``v``,
    ``out``, ``lse`` -- not a probability matrix) and the two settings as attributes
    of ``ctx``. ``backward`` returns one gradient per ``forward`` input: ``dq``, ``dk``,
    ``dv``, and ``None`` for ``is_causal`` and ``scale``.
    """

    @staticmethod
    def forward(ctx, q, k, v, is_causal, scale):
        raise NotImplementedError("flash_attention_backward.FlashAttentionFunction.forward: "
                                  "not implemented yet")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("flash_attention_backward.FlashAttentionFunction.backward: "
                                  "not implemented yet")


def flash_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, is_causal: bool = False,
                    scale: float | None = None) -> torch.Tensor:
    """Given: differentiable fused attention (``loss.backward()`` runs your kernels)."""
    return FlashAttentionFunction.apply(q, k, v, is_causal, scale)
