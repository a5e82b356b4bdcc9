"""Compression: int8 quantization, pruning, distillation (reference solution)."""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn


def _check_float_tensor(x, name: str) -> None:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        kind = f"a {x.dtype} tensor" if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"{name} must be a floating-point torch.Tensor, got {kind}")


def _check_dim(dim, ndim: int) -> int:
    """``dim`` as a non-negative axis of a tensor with ``ndim`` dimensions."""
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not -ndim <= dim < ndim:
        raise ValueError(f"dim must be in [{-ndim}, {ndim - 1}] for a {ndim}-D tensor, got {dim}")
    return dim % ndim


def _channel_shape(ndim: int, dim: int) -> list[int]:
    """The shape that broadcasts one value per channel along ``dim``: (1, .., -1, .., 1)."""
    shape = [1] * ndim
    shape[dim] = -1
    return shape


def quantize_int8(w: torch.Tensor, dim: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    _check_float_tensor(w, "w")
    if w.ndim == 0:
        raise ValueError("w must have at least one dimension, got a 0-d tensor")
    dim = _check_dim(dim, w.ndim)
    if not torch.isfinite(w).all():
        raise ValueError("w must be finite (no NaN or inf)")
    w = w.detach().float()
    others = [d for d in range(w.ndim) if d != dim]
    max_abs = w.abs().amax(dim=others) if others else w.abs()
    scale = max_abs / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero channel
    q = torch.round(w / scale.view(_channel_shape(w.ndim, dim))).clamp(-127, 127)
    return q.to(torch.int8), scale


def dequantize(q: torch.Tensor, scale: torch.Tensor, dim: int = 0) -> torch.Tensor:
    if not isinstance(q, torch.Tensor) or q.dtype != torch.int8:
        kind = f"a {q.dtype} tensor" if isinstance(q, torch.Tensor) else type(q).__name__
        raise TypeError(f"q must be a torch.int8 tensor, got {kind}")
    _check_float_tensor(scale, "scale")
    if q.ndim == 0:
        raise ValueError("q must have at least one dimension, got a 0-d tensor")
    dim = _check_dim(dim, q.ndim)
    if scale.shape != (q.shape[dim],):
        raise ValueError(f"scale must have shape ({q.shape[dim]},) (q.shape[dim]), "
                         f"got {tuple(scale.shape)}")
    return q.to(scale.dtype) * scale.view(_channel_shape(q.ndim, dim))


def magnitude_prune(w: torch.Tensor, sparsity: float) -> torch.Tensor:
    _check_float_tensor(w, "w")
    if isinstance(sparsity, bool) or not isinstance(sparsity, numbers.Real):
        raise TypeError(f"sparsity must be a number, got {type(sparsity).__name__}")
    if not 0 <= sparsity <= 1:  # also False for NaN
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    k = round(float(sparsity) * w.numel())
    pruned = w.detach().clone()
    if k > 0:
        smallest = torch.topk(pruned.abs().flatten(), k, largest=False).indices
        pruned.view(-1)[smallest] = 0
    return pruned


def model_size_bytes(model: nn.Module, bits_per_param: int = 32) -> int:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(bits_per_param, bool) or not isinstance(bits_per_param, int):
        raise TypeError(f"bits_per_param must be an int, got {type(bits_per_param).__name__}")
    if bits_per_param < 1:
        raise ValueError(f"bits_per_param must be at least 1, got {bits_per_param}")
    n_params = sum(p.numel() for p in model.parameters())
    return math.ceil(n_params * bits_per_param / 8)


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float = 2.0) -> torch.Tensor:
    _check_float_tensor(student_logits, "student_logits")
    _check_float_tensor(teacher_logits, "teacher_logits")
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be positive and finite, got {temperature}")
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(f"student_logits {tuple(student_logits.shape)} and teacher_logits "
                         f"{tuple(teacher_logits.shape)} must have the same shape")
    if student_logits.ndim == 0:
        raise ValueError("student_logits and teacher_logits must have a vocabulary axis, got 0-d tensors")
    log_p_student = F.log_softmax(student_logits / temperature, dim=-1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    kl_per_position = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=-1)
    return temperature ** 2 * kl_per_position.mean()
