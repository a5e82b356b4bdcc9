"""Converts w / scale to int8 directly, which truncates toward zero: the error reaches a whole step."""
import torch

from solutions.compression import *  # noqa: F401,F403
from solutions.compression import _channel_shape, _check_dim, _check_float_tensor


def quantize_int8(w, dim=0):
    _check_float_tensor(w, "w")
    if w.ndim == 0:
        raise ValueError("w must have at least one dimension")
    dim = _check_dim(dim, w.ndim)
    w = w.detach().float()
    others = [d for d in range(w.ndim) if d != dim]
    scale = (w.abs().amax(dim=others) if others else w.abs()) / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return (w / scale.view(_channel_shape(w.ndim, dim))).to(torch.int8), scale
