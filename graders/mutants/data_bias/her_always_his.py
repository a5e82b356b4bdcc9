"""The ambiguous "her" always becomes "his" (and "his" always "her"): "I saw her." -> "I saw his."."""
from solutions import data_bias as _ref
from solutions.data_bias import *  # noqa: F401,F403
from solutions.data_bias import _match_case


def counterfactual_augment(sentence):
    if not isinstance(sentence, str):
        raise TypeError("sentence must be a str")

    def swap(m):
        lower = m.group().lower()
        replacement = {"her": "his", "his": "her"}.get(lower) or SWAPS[lower]
        return _match_case(replacement, m.group())

    return _ref._GENDERED.sub(swap, sentence)
