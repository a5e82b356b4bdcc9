"""Computes the angles in float32 (the usual exp(-log(base) * 2i / d) recipe): large positions lose precision."""
import math

import torch

from solutions.positional_encoding import *  # noqa: F401,F403


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if isinstance(max_len, bool) or not isinstance(max_len, int) or isinstance(d_model, bool) \
            or not isinstance(d_model, int):
        raise TypeError("max_len and d_model must be ints")
    if not isinstance(base, (int, float)) or isinstance(base, bool):
        raise TypeError("base must be a number")
    if max_len < 0 or d_model < 2 or d_model % 2 or not base > 0:
        raise ValueError(f"bad arguments: max_len={max_len}, d_model={d_model}, base={base}")
    position = torch.arange(max_len, dtype=torch.float32)[:, None]
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(base) / d_model))
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe
