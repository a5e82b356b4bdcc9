"""Returns the float64 table (forgets the conversion to float32)."""
import torch

from solutions.positional_encoding import *  # noqa: F401,F403


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    angle = torch.arange(max_len, dtype=torch.float64)[:, None] * float(base) ** (
        -torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe = torch.empty(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe
