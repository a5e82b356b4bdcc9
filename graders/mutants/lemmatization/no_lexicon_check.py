"""Exception table first, then the first matching rule is applied without checking the lexicon (bus -> bu)."""
from kit.lexicon import POS_TAGS, SUFFIX_RULES, exceptions

from solutions.lemmatization import *  # noqa: F401,F403


def lemmatize(word, pos="n"):
    if not isinstance(word, str):
        raise TypeError("word must be a str")
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of n, v, a, r, got {pos!r}")
    w = word.lower()
    if w in exceptions(pos):
        return exceptions(pos)[w]
    for suffix, replacement in SUFFIX_RULES[pos]:
        if w.endswith(suffix):
            return w[: len(w) - len(suffix)] + replacement
    return w
