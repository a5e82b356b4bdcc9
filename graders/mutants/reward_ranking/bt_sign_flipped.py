"""Sign flipped in the preference loss: rewards the rejected response (rejected - chosen)."""
import torch.nn.functional as F

from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import bradley_terry_loss as _reference


def bradley_terry_loss(chosen, rejected, margin=None):
    _reference(chosen, rejected, margin)  # same validation
    return -F.logsigmoid(rejected - chosen - (0.0 if margin is None else margin)).mean()
