"""Applies the mask after the softmax (weights * mask): rows no longer sum to 1."""
import math

import torch

from solutions.attention import *  # noqa: F401,F403
from solutions.attention import _check_inputs


def scaled_dot_product_attention(q, k, v, mask=None, *, is_causal=False, scale=None):
    _check_inputs(q, k, v, mask, is_causal)
    L, S = q.shape[-2], k.shape[-2]
    if is_causal:
        mask = torch.ones(L, S, dtype=torch.bool, device=q.device).tril()
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    weights = torch.softmax(q @ k.transpose(-2, -1) * scale, dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights
