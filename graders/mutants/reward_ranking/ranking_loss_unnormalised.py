"""Sums the pairwise losses of a prompt instead of dividing by C(K, 2): the loss grows with K."""
import torch
import torch.nn.functional as F

from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import ranking_loss as _reference


def ranking_loss(rewards):
    _reference(rewards)  # same validation
    k = rewards.shape[1]
    better, worse = torch.triu_indices(k, k, offset=1, device=rewards.device)
    return -F.logsigmoid(rewards[:, better] - rewards[:, worse]).sum(dim=1).mean()
