"""A Python loop over batch and heads (one small matmul per head) instead of batched matmuls."""
import torch

from solutions.attention import *
from solutions.attention import _check_inputs
from solutions.attention import scaled_dot_product_attention as _reference


def scaled_dot_product_attention(q, k, v, mask=None, *, is_causal=False, scale=None):
    _check_inputs(q, k, v, mask, is_causal)
    if q.dim() <= 2:
        return _reference(q, k, v, mask, is_causal=is_causal, scale=scale)
    lead = q.shape[:-2]
    L, S = q.shape[-2], k.shape[-2]
    if mask is not None:
        mask = mask.expand(*lead, L, S).reshape(-1, L, S)
    qf, kf, vf = q.reshape(-1, L, q.shape[-1]), k.reshape(-1, S, k.shape[-1]), v.reshape(-1, S, v.shape[-1])
    outs, weights = [], []
    for i in range(qf.shape[0]):
        o, w = _reference(qf[i], kf[i], vf[i], None if mask is None else mask[i],
                          is_causal=is_causal, scale=scale)
        outs.append(o)
        weights.append(w)
    return (torch.stack(outs).reshape(*lead, L, v.shape[-1]),
            torch.stack(weights).reshape(*lead, L, S))
