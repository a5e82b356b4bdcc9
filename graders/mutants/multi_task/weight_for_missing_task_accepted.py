"""A weight for a task that has no loss (a typo) is silently ignored instead of a ValueError."""
import math

from solutions.multi_task import *  # noqa: F401,F403


def multi_task_loss(losses, weights=None):
    if not isinstance(losses, dict):
        raise TypeError("losses must be a dict")
    if not losses:
        raise ValueError("losses must not be empty")
    weights = weights or {}
    for task, w in weights.items():
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weights[{task!r}] must be >= 0")
    total = None
    for task, loss in losses.items():
        term = weights.get(task, 1.0) * loss
        total = term if total is None else total + term
    return total
