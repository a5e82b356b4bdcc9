"""The losses are added as Python floats (.item()): the result is cut off from the graph."""
import torch

from solutions.multi_task import *  # noqa: F401,F403
from solutions.multi_task import multi_task_loss as _reference


def multi_task_loss(losses, weights=None):
    _reference(losses, weights)  # the argument checks
    return torch.tensor(sum((weights or {}).get(t, 1.0) * loss.item() for t, loss in losses.items()))
