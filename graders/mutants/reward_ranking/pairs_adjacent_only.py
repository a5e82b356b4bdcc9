"""Only neighbouring ranks become pairs (K-1 pairs instead of all C(K, 2))."""
from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import ranking_to_pairs as _reference


def ranking_to_pairs(responses, ranking):
    _reference(responses, ranking)  # same validation
    by_rank = [None] * len(ranking)
    for response, rank in zip(responses, ranking):
        by_rank[rank] = response
    return [(by_rank[i], by_rank[i + 1]) for i in range(len(by_rank) - 1)]
