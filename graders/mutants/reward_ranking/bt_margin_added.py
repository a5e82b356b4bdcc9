"""Adds the margin instead of subtracting it (makes well-separated pairs look even better)."""
import torch.nn.functional as F

from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import bradley_terry_loss as _reference


def bradley_terry_loss(chosen, rejected, margin=None):
    if margin is None or isinstance(margin, str):
        return _reference(chosen, rejected, margin)
    _reference(chosen, rejected, margin)  # same validation
    return -F.logsigmoid(chosen - rejected + margin).mean()
