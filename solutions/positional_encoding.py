"""Sinusoidal positional encoding (reference solution)."""

from __future__ import annotations

import math

import torch


def sinusoidal_positional_encoding(max_len: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    for name, value in (("max_len", max_len), ("d_model", d_model)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise TypeError(f"base must be a number, got {type(base).__name__}")
    if max_len < 0:
        raise ValueError(f"max_len must be >= 0, got {max_len}")
    if d_model < 2 or d_model % 2 != 0:
        raise ValueError(f"d_model must be even and at least 2, got {d_model}")
    if not (math.isfinite(base) and base > 0):
        raise ValueError(f"base must be a positive number, got {base}")

    # Work in float64 (angles p * w lose digits in float32 for large p); convert at the end.
    position = torch.arange(max_len, dtype=torch.float64)[:, None]          # (max_len, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)                # 0, 2, 4, ...
    frequency = float(base) ** (-two_i / d_model)                           # 1 / base^(2i/d)
    angle = position * frequency                                            # (max_len, d/2)
    pe = torch.empty(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.to(torch.float32)
