"""Zeroes the largest-magnitude weights instead of the smallest."""
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
    pruned = w.detach().clone()
    if k > 0:
        pruned.view(-1)[torch.topk(pruned.abs().flatten(), k, largest=True).indices] = 0
    return pruned
