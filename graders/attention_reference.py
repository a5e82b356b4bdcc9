"""Attention in float64 with its gradients: the expected values of the hidden kernel-track
tests (grader side only: ``kit`` ships to students and runs next to their code, so it
holds no callable answer to an exercise).

Plain PyTorch on the CPU: ``s = scale * q k^T`` (``-inf`` above the diagonal when
causal, top-left aligned as in ``scaled_dot_product_attention``), ``p = softmax(s)``,
``out = p v``, and autograd for the gradients. Written out rather than calling
``scaled_dot_product_attention`` because PyTorch's CPU version returns NaN for a causal
mask with ``scale=0`` (it multiplies the ``-inf`` of the mask by the scale).
"""

from __future__ import annotations

import math

import torch


def attention_with_grads(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                         grad_out: torch.Tensor | None = None, *, is_causal: bool = False,
                         scale: float | None = None) -> dict[str, torch.Tensor]:
    """``out``, ``lse`` and (with ``grad_out``) ``dq``, ``dk``, ``dv`` of attention.

    Computed in float64 on the CPU from the given values; ``out`` and the gradients are
    rounded to ``q``'s dtype, ``lse`` (the natural log-sum-exp of each row of ``s``,
    ``(B, H, L)``) is float32. With no keys, ``out`` and every gradient are zeros and
    ``lse`` is ``-inf``.
    """
    dtype = q.dtype
    leaves = [t.detach().to("cpu", torch.float64).requires_grad_(grad_out is not None)
              for t in (q, k, v)]
    q64, k64, v64 = leaves
    L, S, D = q.shape[-2], k.shape[-2], q.shape[-1]
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    s = (q64 @ k64.transpose(-1, -2)) * scale
    if is_causal:
        s = s.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(1), float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    p = torch.exp(s - lse[..., None]) if S else s
    out = p @ v64
    result = {"out": out.detach().to(dtype), "lse": lse.detach().to(torch.float32)}
    if grad_out is not None:
        dq, dk, dv = torch.autograd.grad(out, leaves, grad_out.detach().to("cpu", torch.float64),
                                         allow_unused=True)
        for name, grad, like in (("dq", dq, q), ("dk", dk, k), ("dv", dv, v)):
            grad = torch.zeros(like.shape, dtype=torch.float64) if grad is None else grad
            result[name] = grad.nan_to_num(0.0).to(dtype)
    return result


def row_logsumexp(q: torch.Tensor, k: torch.Tensor, *, is_causal: bool = False,
                  scale: float | None = None) -> torch.Tensor:
    """Each row's natural log-sum-exp of the scaled scores: float32 ``(B, H, L)`` on q's
    device (the GPU tests' ``lse`` at sizes where float64 on the CPU is too slow).

    Computes one sequence at a time, so it holds one ``(H, L, S)`` float32 score tensor.
    """
    L, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    rows = []
    for b in range(q.shape[0]):
        s = (q[b].float() @ k[b].float().transpose(-1, -2)) * scale
        if is_causal:
            s.masked_fill_(torch.ones(L, S, dtype=torch.bool, device=q.device).triu(1),
                           float("-inf"))
        rows.append(torch.logsumexp(s, dim=-1))
    return torch.stack(rows)
