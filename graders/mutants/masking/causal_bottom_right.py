"""Causal mask aligned at the bottom-right corner (tril(diagonal=k_len - q_len)), unlike is_causal=True."""
import torch

from solutions.masking import *  # noqa: F401,F403


def causal_mask(q_len, k_len=None, *, device=None):
    if k_len is None:
        k_len = q_len
    if not isinstance(q_len, int) or not isinstance(k_len, int):
        raise TypeError("q_len and k_len must be ints")
    if q_len < 0 or k_len < 0:
        raise ValueError("lengths must be >= 0")
    return torch.ones(q_len, k_len, dtype=torch.bool, device=device).tril(diagonal=k_len - q_len)
