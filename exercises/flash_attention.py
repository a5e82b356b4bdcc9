"""Exercise: flash_attention -- a fused attention kernel in Triton (GPU track).

Course section: chapter 3, "Attention mechanisms" (self-attention and multi-head
attention). The ``attention`` exercise computes ``softmax(Q K^T / sqrt(D)) V`` with
three PyTorch calls; for a sequence of L = S = 4096 tokens that writes (and reads back)
a 4096 x 4096 score matrix per head -- 32 MiB in fp16 for every head of every layer --
and memory traffic, not arithmetic, becomes the bottleneck. Here you write the kernel
that modern LLMs use instead (FlashAttention, Dao et al. 2022): one fused GPU program
that never writes the score matrix to memory.

The task
--------
``flash_attention(q, k, v, *, is_causal=False, scale=None)`` returns the same tensor as
``torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=is_causal,
scale=scale)`` for ``q`` of shape ``(B, H, L, D)`` and ``k``, ``v`` of shape
``(B, H, S, D)`` (L may differ from S), ``D`` in {16, 32, 64, 128}, dtype float16,
bfloat16 or float32. You write two things:

1. the body of the Triton kernel ``_flash_attention_kernel`` (the marked TODOs);
2. the Python function ``flash_attention``: check the inputs, then call ``_launch``
   (given) which starts the kernel.

How the kernel works: tiling and the online softmax
---------------------------------------------------
One *program* (a block of GPU threads) computes ``BLOCK_M`` rows of the output for one
(batch, head). It loads its ``BLOCK_M`` queries once, then walks over the keys
``BLOCK_N`` at a time. For each key block it computes the ``(BLOCK_M, BLOCK_N)`` tile of
scores in registers, folds it into three running quantities per query row, and throws
the tile away:

* ``m``: the largest score seen so far (for numerical stability, as in any softmax);
* ``l``: the sum of ``exp(score - m)`` over the keys seen so far (the denominator);
* ``acc``: the sum of ``exp(score - m) * v`` over the keys seen so far (the numerator,
  a ``(BLOCK_M, D)`` tile).

When a new block raises the maximum from ``m`` to ``m_new``, everything accumulated so
far was computed relative to the old maximum, so both ``l`` and ``acc`` are multiplied by
``alpha = exp(m - m_new)`` before the new block is added. At the end the output is
``acc / l``. This is exact (not an approximation): it is the softmax, computed one piece
at a time.

Worked example (one query, D = 1, four keys in two blocks of two, scores already
scaled): scores ``[1, 3 | 2, 5]``, values ``[10, 20 | 30, 40]``.

* block 1: ``m = 3``, weights ``exp([1, 3] - 3) = [0.1353, 1]``, ``l = 1.1353``,
  ``acc = 0.1353 * 10 + 1 * 20 = 21.353``;
* block 2: ``m_new = 5``, ``alpha = exp(3 - 5) = 0.1353``; weights ``exp([2, 5] - 5) =
  [0.0498, 1]``; ``l = 1.1353 * 0.1353 + 1.0498 = 1.2034``,
  ``acc = 21.353 * 0.1353 + 0.0498 * 30 + 1 * 40 = 44.383``;
* output ``acc / l = 36.88`` -- the same as ``softmax([1, 3, 2, 5]) @ [10, 20, 30, 40]``.

Details that matter
-------------------
* **exp2**: GPUs compute ``2**x`` natively; ``exp(x) == exp2(x * log2(e))``. The
  launcher passes ``qk_scale = scale * log2(e)``, so scaled scores ``s = (q . k) *
  qk_scale`` live in the log2 domain and you use ``tl.math.exp2`` everywhere (for ``p``
  and for ``alpha``). Do not multiply by ``log2(e)`` again, and do not use ``tl.exp``
  with ``qk_scale``.
* **fp32 accumulation**: ``m``, ``l`` and ``acc`` stay float32 whatever the input dtype.
  ``tl.dot(q, k)`` already returns float32; cast ``p`` to the input dtype only for the
  second product (``tl.dot(p.to(v.dtype), v, acc)``). An fp16 accumulator loses
  precision and overflows: it holds un-normalised sums, which can exceed 65504 even
  when every output value is small.
* **Masks**: the last key block may run past ``S`` (``S`` need not be a multiple of
  ``BLOCK_N``). Load it with ``mask=..., other=0.0`` *and* set the scores of the missing
  keys to ``-inf`` (a score of 0 is not "no key": it still gets weight ``exp(0 - m)``).
  Apply masks after scaling (``-inf * scale`` is ``+inf`` for a negative scale).
* **Causal** (``is_causal=True``): query ``i`` may attend to keys ``j <= i`` -- aligned
  at the top-left corner like PyTorch's ``is_causal``, also when ``L != S`` (so a query
  ``i >= S`` sees every key, and query 0 sees key 0 only). Key blocks that start after
  the block's last query are fully masked: stop the loop before them (that halves the
  work). Every query sees key 0, so ``l > 0`` for every row.
* **Loop-carried values** (``acc``, ``l_i``, ``m_i``) must keep their dtype and shape
  through the loop (Triton checks it).

The launcher
------------
``flash_attention`` checks its inputs (errors below), picks ``scale`` (``1 / sqrt(D)``
when ``None``), allocates ``out = torch.empty_like(q)`` and calls ``_launch(q, k, v,
out, is_causal=..., scale=...)``, which passes the strides (so non-contiguous inputs
work), the grid ``(ceil(L / BLOCK_M), B * H)`` and the block sizes. Two cases never
reach the kernel: ``S == 0`` (softmax over no keys; return zeros like PyTorch's SDPA)
and an empty output (``B * H * L == 0``; return it as is).

How it is checked
-----------------
On the CPU, Triton's interpreter runs the kernel on CPU tensors (the kit sets
``TRITON_INTERPRET=1`` when there is no CUDA GPU, before this module is imported):
small sizes, causal and not, ``L != S``, lengths that are not multiples of the block,
fp32/fp16/bf16, ``scale``, and every documented error, against PyTorch's
``scaled_dot_product_attention``. (The interpreter cannot do bfloat16 arithmetic, so
``_launch`` runs bfloat16 inputs in float32 there and rounds the result.) On a CUDA
GPU, the same tests run on the compiled kernel, plus throughput tests: bf16 and fp16,
``(B, H, L, D) = (4, 16, 4096, 64)`` and ``(2, 16, 4096, 128)``, causal and not, at
least half the throughput of PyTorch's own FlashAttention backend measured in the same
run. The kernel is the whole point; the PyTorch calls allowed in ``flash_attention`` are
the bookkeeping ones (checks, ``torch.empty_like``/``torch.zeros_like``).
"""

from __future__ import annotations

import contextlib
import math  # noqa: F401 - yours to use (the default scale is 1 / sqrt(D))
import os

import torch
import triton
import triton.language as tl

HEAD_DIMS = (16, 32, 64, 128)
DTYPES = (torch.float16, torch.bfloat16, torch.float32)
LOG2E = 1.4426950408889634  # log2(e): exp(x) == exp2(x * LOG2E)

#: True under Triton's CPU interpreter (the kit sets TRITON_INTERPRET=1 without CUDA).
INTERPRET = os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


@triton.jit
def _flash_attention_kernel(
        Q, K, V, Out, Lse,
        stride_qb, stride_qh, stride_qm, stride_qd,
        stride_kb, stride_kh, stride_kn, stride_kd,
        stride_vb, stride_vh, stride_vn, stride_vd,
        stride_ob, stride_oh, stride_om, stride_od,
        H, L, S, qk_scale,
        IS_CAUSAL: tl.constexpr, HEAD_DIM: tl.constexpr, DOT_PRECISION: tl.constexpr,
        STORE_LSE: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """Rows ``[pid_m * BLOCK_M, pid_m * BLOCK_M + BLOCK_M)`` of the output of one (batch, head).

    ``qk_scale`` is ``scale * log2(e)``. ``DOT_PRECISION`` goes to every ``tl.dot``
    (``input_precision=DOT_PRECISION``: float32 accuracy for fp32 inputs on a GPU, where
    the default would be the less precise TF32).
    The setup below is given; write the TODOs.
    """
    # ---- given: which rows of which (batch, head) this program computes ----------------
    pid_m = tl.program_id(0)
    pid_bh = tl.program_id(1)
    b = pid_bh // H
    h = pid_bh % H
    q_base = Q + b.to(tl.int64) * stride_qb + h.to(tl.int64) * stride_qh
    k_base = K + b.to(tl.int64) * stride_kb + h.to(tl.int64) * stride_kh
    v_base = V + b.to(tl.int64) * stride_vb + h.to(tl.int64) * stride_vh
    o_base = Out + b.to(tl.int64) * stride_ob + h.to(tl.int64) * stride_oh

    start_m = pid_m * BLOCK_M
    offs_m = start_m + tl.arange(0, BLOCK_M)   # the query rows of this program
    offs_n = tl.arange(0, BLOCK_N)             # key offsets within a key block
    offs_d = tl.arange(0, HEAD_DIM)
    # The queries, loaded once: (BLOCK_M, HEAD_DIM); rows past L are zeros.
    q = tl.load(q_base + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd,
                mask=offs_m[:, None] < L, other=0.0)
    # Pointers to the FIRST key block, (BLOCK_N, HEAD_DIM); the block starting at key
    # start_n is at k_ptrs + start_n * stride_kn (same for v).
    k_ptrs = k_base + offs_n[:, None] * stride_kn + offs_d[None, :] * stride_kd
    v_ptrs = v_base + offs_n[:, None] * stride_vn + offs_d[None, :] * stride_vd

    m_i = tl.full([BLOCK_M], float("-inf"), dtype=tl.float32)   # running max (log2 domain)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)                 # running denominator
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)       # running numerator

    # ---- TODO 1: the end of the key range. All S keys; when IS_CAUSAL only the keys up
    # to this block's last query row: tl.minimum(S, start_m + BLOCK_M).
    hi = S

    for start_n in tl.range(0, hi, BLOCK_N):
        cols = start_n + offs_n  # the key indices of this block, (BLOCK_N,)
        # ---- TODO 2: load the key block k, (BLOCK_N, HEAD_DIM), with
        #      mask=cols[:, None] < S, other=0.0.
        # ---- TODO 3: scores s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION)
        #      * qk_scale, (BLOCK_M, BLOCK_N), float32.
        # ---- TODO 4: set s to float("-inf") (tl.where) where the key does not exist
        #      (cols >= S) and, when IS_CAUSAL, where the key is after the query
        #      (cols[None, :] > offs_m[:, None]).
        # ---- TODO 5: m_new = max(m_i, row max of s); p = tl.math.exp2(s - m_new[:, None]).
        # ---- TODO 6: alpha = tl.math.exp2(m_i - m_new); rescale l_i and acc by alpha,
        #      then add the row sums of p to l_i.
        # ---- TODO 7: load the value block v like k; acc = tl.dot(p.to(v.dtype), v, acc,
        #      input_precision=DOT_PRECISION); m_i = m_new.
        pass

    # ---- TODO 8: normalise: acc = acc / l_i[:, None].

    # ---- given: store the rows that exist.
    tl.store(o_base + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od,
             acc.to(Out.dtype.element_ty), mask=offs_m[:, None] < L)
    # ---- given: for the flash_attention_backward exercise, save each row's log-sum-exp
    # of the scaled scores, log(sum_j exp(scale * q . k_j)) = (m + log2(l)) * ln(2), in a
    # contiguous float32 (B, H, L) tensor. It needs m_i and l_i as your loop leaves them.
    if STORE_LSE:
        tl.store(Lse + pid_bh.to(tl.int64) * L + offs_m,
                 (m_i + tl.math.log2(l_i)) * 0.6931471805599453, mask=offs_m < L)


def _launch(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, out: torch.Tensor, *,
            is_causal: bool, scale: float, lse: torch.Tensor | None = None) -> None:
    """Run ``_flash_attention_kernel`` writing into ``out`` (given complete).

    Expects checked inputs: ``q``, ``out`` ``(B, H, L, D)``; ``k``, ``v`` ``(B, H, S, D)``
    with ``S >= 1`` and ``B * H * L >= 1``; one dtype, one device; a float ``scale``.
    ``lse``, when given, is a contiguous float32 ``(B, H, L)`` tensor that receives the
    rows' log-sum-exp (the ``flash_attention_backward`` exercise uses it).
    """
    if INTERPRET and q.dtype == torch.bfloat16:
        # Triton's interpreter computes bfloat16 arithmetic (and tl.dot) on raw bit
        # patterns; run float32 copies there and round the result.
        out32 = torch.empty_like(out, dtype=torch.float32)
        _launch(q.float(), k.float(), v.float(), out32, is_causal=is_causal, scale=scale, lse=lse)
        out.copy_(out32)
        return
    B, H, L, D = q.shape
    S = k.shape[2]
    if INTERPRET:
        block_m, block_n, warps, stages = 64, 32, 4, 1
    elif q.dtype == torch.float32:
        block_m, block_n, warps, stages = 64, 32, 4, 2
    else:
        block_m, block_n, warps, stages = 128, 64, (8 if D == 128 else 4), (2 if D == 128 else 3)
    grid = (triton.cdiv(L, block_m), B * H)
    precision = "tf32"  # fp16/bf16 dots ignore it
    if q.dtype == torch.float32:  # float32 accuracy: 3xTF32 on tensor cores, else plain FMAs
        tensor_cores = not q.is_cuda or torch.cuda.get_device_capability(q.device)[0] >= 8
        precision = "tf32x3" if tensor_cores else "ieee"
    with torch.cuda.device(q.device) if q.is_cuda else contextlib.nullcontext():
        _flash_attention_kernel[grid](
            q, k, v, out, out if lse is None else lse,  # (out stands in when lse is not wanted)
            *q.stride(), *k.stride(), *v.stride(), *out.stride(),
            H, L, S, scale * LOG2E,
            IS_CAUSAL=is_causal, HEAD_DIM=D, DOT_PRECISION=precision, STORE_LSE=lse is not None,
            BLOCK_M=block_m, BLOCK_N=block_n, num_warps=warps, num_stages=stages)


def flash_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, is_causal: bool = False,
                    scale: float | None = None) -> torch.Tensor:
    """Attention ``softmax(q k^T * scale [+ causal mask]) v`` by the fused kernel.

    Args:
        q: ``(B, H, L, D)`` queries; ``D`` in {16, 32, 64, 128}; float16, bfloat16 or
            float32.
        k, v: ``(B, H, S, D)`` keys and values, same dtype and device as ``q``.
        is_causal: query ``i`` attends to keys ``j <= i`` only (top-left aligned, as
            PyTorch's ``scaled_dot_product_attention(..., is_causal=True)``).
        scale: the factor applied to ``q . k``; ``None`` means ``1 / sqrt(D)``.

    Returns:
        A new ``(B, H, L, D)`` tensor, same dtype and device as ``q`` (computed with
        float32 accumulation), equal to ``scaled_dot_product_attention(q, k, v,
        is_causal=is_causal, scale=scale)`` within the dtype's tolerance. ``S == 0``
        gives zeros (as SDPA does); ``B * H * L == 0`` an empty tensor. Inputs are not
        modified. Forward only: the result does not track gradients.

    Raises (checked in this order; every message names the argument it is about, as
    spelled in the signature -- the rest of the wording is yours):
        TypeError: ``q``, ``k`` or ``v`` is not a ``torch.Tensor`` (name that one).
        ValueError: ``q``, ``k`` or ``v`` does not have 4 dimensions (name that one).
        TypeError: ``q``, ``k`` or ``v`` has a dtype other than float16/bfloat16/float32,
            or ``q``, ``k``, ``v`` have different dtypes (name them).
        ValueError: ``q``, ``k``, ``v`` on different devices, or (without the
            interpreter) not on a CUDA device (name them).
        ValueError: ``q``'s head dimension ``D = q.shape[-1]`` not in {16, 32, 64, 128}
            (name ``q``).
        ValueError: ``k`` not of shape ``(B, H, S, D)`` for ``q``'s ``B``, ``H``, ``D``
            (name ``k``); ``v.shape != k.shape`` (name ``v``).
        TypeError: ``is_causal`` is not a ``bool``; ``scale`` is not ``None``, an
            ``int`` or a ``float`` (a ``bool`` is not a scale).
        ValueError: ``scale`` is not finite (nan or inf).
    """
    raise NotImplementedError("flash_attention.flash_attention: not implemented yet")
