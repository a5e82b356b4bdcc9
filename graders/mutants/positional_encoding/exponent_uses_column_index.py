"""Exponent j / d_model with j the column index (not 2i / d_model with i the pair index): cos columns drift."""
import torch

from solutions.positional_encoding import *  # noqa: F401,F403


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    j = torch.arange(d_model, dtype=torch.float64)
    angle = torch.arange(max_len, dtype=torch.float64)[:, None] / float(base) ** (j / d_model)
    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle)).float()
