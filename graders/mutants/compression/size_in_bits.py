"""Returns the size in bits: forgets to divide parameters x bits by 8."""
import torch

from solutions.compression import *  # noqa: F401,F403


def model_size_bytes(model, bits_per_param=32):
    if not isinstance(model, torch.nn.Module):
        raise TypeError("model must be a torch.nn.Module")
    if isinstance(bits_per_param, bool) or not isinstance(bits_per_param, int):
        raise TypeError("bits_per_param must be an int")
    if bits_per_param < 1:
        raise ValueError("bits_per_param must be at least 1")
    return sum(p.numel() for p in model.parameters()) * bits_per_param
