"""Forgets the 1/sqrt(E) scale: raw dot products go into the softmax (scale=None means 1)."""
import torch

from solutions.attention import *  # noqa: F401,F403
from solutions.attention import scaled_dot_product_attention as _reference


def scaled_dot_product_attention(q, k, v, mask=None, *, is_causal=False, scale=None):
    return _reference(q, k, v, mask, is_causal=is_causal, scale=1.0 if scale is None else scale)
