"""Sorts by reward and takes the last one: among equally good candidates, the last wins."""
from solutions.reward_ranking import *
from solutions.reward_ranking import best_of_n as _reference


def best_of_n(candidates, reward_fn):
    _reference(candidates, reward_fn)  # same validation
    return sorted(candidates, key=lambda c: float(reward_fn(c)))[-1]
