"""The weights are ignored: the combined loss is the plain sum of the task losses."""
from solutions.multi_task import *  # noqa: F401,F403


def multi_task_loss(losses, weights=None):
    if not isinstance(losses, dict):
        raise TypeError("losses must be a dict")
    if not losses:
        raise ValueError("losses must not be empty")
    for task in weights or {}:
        if task not in losses:
            raise ValueError(f"weights name a task with no loss: {task!r}")
    return sum(losses.values())
