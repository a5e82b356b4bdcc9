"""Shifts the wrong way: inputs ids[..., 1:] and targets ids[..., :-1] (predicts the previous token)."""
import torch

from solutions.next_word_prediction import *  # noqa: F401,F403


def shift_for_next_token(ids):
    if not isinstance(ids, torch.Tensor) or ids.dtype.is_floating_point:
        raise TypeError("ids must be an integer tensor")
    if ids.dim() < 1 or ids.shape[-1] < 2:
        raise ValueError("ids must have a sequence dimension of at least 2")
    return ids[..., 1:], ids[..., :-1]
