"""The heads are kept in a plain dict: not registered, so never trained nor saved."""
from torch import nn

from solutions.multi_task import *  # noqa: F401,F403


class MultiTaskModel(nn.Module):
    def __init__(self, encoder, heads):
        super().__init__()
        if not isinstance(encoder, nn.Module):
            raise TypeError("encoder must be an nn.Module")
        if not isinstance(heads, dict):
            raise TypeError("heads must be a dict")
        if not heads:
            raise ValueError("heads must not be empty")
        for task, head in heads.items():
            if not isinstance(task, str) or not isinstance(head, nn.Module):
                raise TypeError("heads must map str -> nn.Module")
        self.encoder = encoder
        self.heads = dict(heads)

    def forward(self, x, task):
        if not isinstance(task, str):
            raise TypeError("task must be a str")
        if task not in self.heads:
            raise KeyError(f"unknown task {task!r}; known tasks: {', '.join(self.heads)}")
        return self.heads[task](self.encoder(x))
