"""Swapped words are written in lower case: "His" becomes "her", "HE" becomes "she"."""
from solutions import data_bias as _ref
from solutions.data_bias import *  # noqa: F401,F403


def counterfactual_augment(sentence):
    if not isinstance(sentence, str):
        raise TypeError("sentence must be a str")
    # Every gendered word of the reference result is a swapped one: write it in lower case.
    reference = _ref.counterfactual_augment(sentence)
    return _ref._GENDERED.sub(lambda m: m.group().lower(), reference)
