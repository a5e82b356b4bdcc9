"""Reduces max|w| over `dim` itself (amax(dim=dim)) instead of over the other dimensions."""
import torch

from solutions.compression import *  # noqa: F401,F403
from solutions.compression import _check_dim, _check_float_tensor


def quantize_int8(w, dim=0):
    _check_float_tensor(w, "w")
    if w.ndim == 0:
        raise ValueError("w must have at least one dimension")
    dim = _check_dim(dim, w.ndim)
    w = w.detach().float()
    scale = w.abs().amax(dim=dim, keepdim=True) / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    q = torch.round(w / scale).clamp(-127, 127).to(torch.int8)
    return q, scale.flatten()
