"""All sines in the first half of the columns and all cosines in the second half, not interleaved."""
import torch

from solutions.positional_encoding import *  # noqa: F401,F403


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    angle = torch.arange(max_len, dtype=torch.float64)[:, None] * float(base) ** (
        -torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).float()
