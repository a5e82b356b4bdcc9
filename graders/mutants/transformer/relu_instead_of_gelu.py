"""ReLU in the feed-forward network instead of GELU."""
import torch

from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import FeedForward as _Reference


class FeedForward(_Reference):
    def forward(self, x):
        return self.linear2(torch.relu(self.linear1(x)))
