"""Zeroes the weights of the tensor it was given (in place) and returns it."""
import torch

from solutions.compression import *  # noqa: F401,F403


def magnitude_prune(w, sparsity):
    if not isinstance(w, torch.Tensor) or not w.is_floating_point():
        raise TypeError("w must be a floating-point tensor")
    if isinstance(sparsity, bool) or not isinstance(sparsity, (int, float)):
        raise TypeError("sparsity must be a number")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    k = round(sparsity * w.numel())
    if k > 0:
        with torch.no_grad():
            w.view(-1)[torch.topk(w.abs().flatten(), k, largest=False).indices] = 0
    return w
