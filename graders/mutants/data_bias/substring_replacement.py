"""Swaps substrings, not words: "the" becomes "tshe", "woman" becomes "wowoman"."""
import re

from solutions.data_bias import *  # noqa: F401,F403
from solutions.data_bias import _match_case

_ANYWHERE = re.compile("|".join(sorted(list(SWAPS) + ["her", "his"], key=len, reverse=True)), re.IGNORECASE)


def counterfactual_augment(sentence):
    if not isinstance(sentence, str):
        raise TypeError("sentence must be a str")

    def swap(m):
        lower = m.group().lower()
        replacement = {"her": "his", "his": "her"}.get(lower) or SWAPS[lower]
        return _match_case(replacement, m.group())

    return _ANYWHERE.sub(swap, sentence)
