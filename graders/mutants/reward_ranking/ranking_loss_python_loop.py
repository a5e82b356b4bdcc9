"""Loops over the pairs in Python: right values, but one set of tensor operations per pair."""
import torch
import torch.nn.functional as F

from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import ranking_loss as _reference


def ranking_loss(rewards):
    _reference(rewards)  # same validation
    k = rewards.shape[1]
    terms = []
    for i in range(k):
        for j in range(i + 1, k):
            terms.append(-F.logsigmoid(rewards[:, i] - rewards[:, j]))
    return torch.stack(terms, dim=1).mean()
