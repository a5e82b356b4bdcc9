"""Mask polarity inverted: treats True as 'hide this key' (the old nn.MultiheadAttention convention)."""
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
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    weights = torch.nan_to_num(torch.softmax(scores, dim=-1), nan=0.0)
    return weights @ v, weights
