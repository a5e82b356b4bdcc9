"""Accepts mask together with is_causal (silently combines them) instead of raising ValueError."""
import torch

from solutions.attention import *  # noqa: F401,F403
from solutions.attention import scaled_dot_product_attention as _reference


def scaled_dot_product_attention(q, k, v, mask=None, *, is_causal=False, scale=None):
    if mask is not None and is_causal:
        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
        return _reference(q, k, v, mask & causal, scale=scale)
    return _reference(q, k, v, mask, is_causal=is_causal, scale=scale)
