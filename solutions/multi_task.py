"""Single-task vs multi-task learning (reference solution)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


class MultiTaskModel(nn.Module):
    """One shared encoder, one head per task."""

    def __init__(self, encoder: nn.Module, heads: dict[str, nn.Module]):
        super().__init__()
        if not isinstance(encoder, nn.Module):
            raise TypeError(f"encoder must be a torch.nn.Module, got {type(encoder).__name__}")
        if not isinstance(heads, (dict, nn.ModuleDict)):
            raise TypeError(f"heads must be a dict of task name -> nn.Module, got {type(heads).__name__}")
        if len(heads) == 0:
            raise ValueError("heads must name at least one task, got an empty dict")
        for task, head in heads.items():
            if not isinstance(task, str):
                raise TypeError(f"heads: task names must be str, got {type(task).__name__}")
            if not isinstance(head, nn.Module):
                raise TypeError(f"heads[{task!r}] must be a torch.nn.Module, got {type(head).__name__}")
        self.encoder = encoder
        # A ModuleDict (not a plain dict) registers the heads: their parameters are
        # trained, saved in state_dict() and moved by .to().
        self.heads = nn.ModuleDict(heads)

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        if not isinstance(task, str):
            raise TypeError(f"task must be a str, got {type(task).__name__}")
        if task not in self.heads:
            raise KeyError(f"unknown task {task!r}; known tasks: {', '.join(self.heads)}")
        return self.heads[task](self.encoder(x))


def multi_task_loss(losses: dict[str, torch.Tensor],
                    weights: dict[str, float] | None = None) -> torch.Tensor:
    if not isinstance(losses, dict):
        raise TypeError(f"losses must be a dict of task name -> scalar tensor, got {type(losses).__name__}")
    if len(losses) == 0:
        raise ValueError("losses must hold at least one task's loss, got an empty dict")
    for task, loss in losses.items():
        if not isinstance(loss, torch.Tensor):
            raise TypeError(f"losses[{task!r}] must be a torch.Tensor, got {type(loss).__name__}")
        if loss.dim() != 0:
            raise ValueError(f"losses[{task!r}] must be a scalar (0-d) tensor, got shape {tuple(loss.shape)}")
    weights = {} if weights is None else weights
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of task name -> float or None, got {type(weights).__name__}")
    unknown = [task for task in weights if task not in losses]
    if unknown:
        raise ValueError(f"weights name task(s) with no loss: {unknown}; tasks with a loss: {list(losses)}")
    for task, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)):
            raise TypeError(f"weights[{task!r}] must be a number, got {type(w).__name__}")
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weights[{task!r}] must be a finite number >= 0, got {w}")

    total = None
    for task, loss in losses.items():
        term = float(weights.get(task, 1.0)) * loss
        total = term if total is None else total + term
    return total


def train_multi_task(model: MultiTaskModel, data: dict[str, tuple[torch.Tensor, torch.Tensor]], *,
                     steps: int = 300, lr: float = 0.01,
                     weights: dict[str, float] | None = None) -> list[float]:
    """Given helper (complete in the stub): full-batch Adam on the weighted sum of cross-entropies."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    model.train()
    threads = torch.get_num_threads()
    # A tiny problem: on the CPU, handing each small operation to several threads costs
    # more than it saves (and on a busy machine far more), so train on one thread.
    torch.set_num_threads(1)
    try:
        for _ in range(steps):
            optimizer.zero_grad()
            losses = {task: F.cross_entropy(model(x, task), y) for task, (x, y) in data.items()}
            loss = multi_task_loss(losses, weights)
            loss.backward()
            optimizer.step()
            history.append(float(loss.detach()))
    finally:
        torch.set_num_threads(threads)
    model.eval()
    return history
