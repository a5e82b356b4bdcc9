"""Counts a tie (chosen == rejected) as a correct preference."""
from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import preference_accuracy as _reference


def preference_accuracy(chosen, rejected):
    _reference(chosen, rejected)  # same validation
    return float((chosen >= rejected).double().mean())
