"""Fine-tuning: adapting a pre-trained model -- reference solution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _check_module(module, name: str) -> None:
    if not isinstance(module, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(module).__name__}")


def freeze(module: nn.Module) -> nn.Module:
    _check_module(module, "module")
    for parameter in module.parameters():
        parameter.requires_grad_(False)
    return module


def count_trainable_parameters(module: nn.Module) -> int:
    _check_module(module, "module")
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


class ClassifierHead(nn.Module):
    def __init__(self, in_features: int, n_classes: int, *, seed: int | None = None):
        super().__init__()
        if type(in_features) is not int or in_features < 1:
            raise ValueError(f"in_features must be an int >= 1, got {in_features!r}")
        if type(n_classes) is not int or n_classes < 2:
            raise ValueError(f"n_classes must be an int >= 2, got {n_classes!r}")
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            self.linear = nn.Linear(in_features, n_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if features.shape[-1] != self.linear.in_features:
            raise ValueError(f"features must have {self.linear.in_features} features in the last "
                             f"dimension, got shape {tuple(features.shape)}")
        return self.linear(features)


def _frozen_features(encoder: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """The encoder's features in eval mode, without gradients; the encoder's mode is restored."""
    was_training = encoder.training
    encoder.eval()
    try:
        with torch.no_grad():
            return encoder(inputs)
    finally:
        encoder.train(was_training)


def fine_tune(encoder: nn.Module, head: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, *,
              epochs: int, lr: float, seed: int = 0) -> list[float]:
    _check_module(encoder, "encoder")
    _check_module(head, "head")
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor (one batch for the encoder), got {type(inputs).__name__}")
    if not isinstance(labels, torch.Tensor) or labels.is_floating_point() or labels.is_complex() \
            or labels.dtype == torch.bool:
        raise TypeError("labels must be an integer torch.Tensor of class indices")
    if labels.dim() != 1 or labels.shape[0] != inputs.shape[0]:
        raise ValueError(f"labels must have shape ({inputs.shape[0]},), one per input row, "
                         f"got {tuple(labels.shape)}")
    if type(epochs) is not int or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")

    features = _frozen_features(encoder, inputs)
    if not isinstance(features, torch.Tensor) or not features.is_floating_point() \
            or features.dim() != 2 or features.shape[0] != inputs.shape[0]:
        raise ValueError(f"the encoder must return float features (N, in_features) with "
                         f"N = {inputs.shape[0]}, got {getattr(features, 'shape', type(features))}")
    labels = labels.to(device=features.device, dtype=torch.long)

    params = [p for p in head.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    was_training = head.training
    losses: list[float] = []
    devices = [features.device] if features.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        head.train()
        try:
            for epoch in range(epochs):
                logits = head(features)
                if epoch == 0 and (labels.min() < 0 or labels.max() >= logits.shape[-1]):
                    raise ValueError(f"labels must be class indices in 0..{logits.shape[-1] - 1}, got "
                                     f"values from {int(labels.min())} to {int(labels.max())}")
                loss = F.cross_entropy(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(float(loss.detach()))
        finally:
            head.train(was_training)
    return losses
