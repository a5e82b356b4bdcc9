"""Causal mask aligned at the bottom-right (tril(diagonal=S-L)) instead of PyTorch's top-left."""
import torch

from solutions.attention import *  # noqa: F401,F403
from solutions.attention import scaled_dot_product_attention as _reference


def scaled_dot_product_attention(q, k, v, mask=None, *, is_causal=False, scale=None):
    if is_causal and mask is None:
        L, S = q.shape[-2], k.shape[-2]
        mask = torch.ones(L, S, dtype=torch.bool, device=q.device).tril(diagonal=S - L)
        return _reference(q, k, v, mask, scale=scale)
    return _reference(q, k, v, mask, is_causal=is_causal, scale=scale)
