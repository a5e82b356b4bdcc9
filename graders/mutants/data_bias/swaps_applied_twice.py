"""Swaps one pair after the other over the whole sentence, so "he" -> "she" -> "he" again."""
import re

from solutions.data_bias import *
from solutions.data_bias import _match_case


def counterfactual_augment(sentence):
    if not isinstance(sentence, str):
        raise TypeError("sentence must be a str")
    for word, replacement in list(SWAPS.items()) + [("her", "his"), ("his", "her")]:
        sentence = re.sub(rf"\b{word}\b", lambda m, r=replacement: _match_case(r, m.group()), sentence,
                          flags=re.IGNORECASE)
    return sentence
