"""Reads ranking as the indices of the responses in preference order, not as each response's rank."""
from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import ranking_to_pairs as _reference


def ranking_to_pairs(responses, ranking):
    _reference(responses, ranking)  # same validation
    ordered = [responses[i] for i in ranking]
    return [(ordered[i], ordered[j]) for i in range(len(ordered)) for j in range(i + 1, len(ordered))]
