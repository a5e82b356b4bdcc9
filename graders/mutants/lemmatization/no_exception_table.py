"""Rules checked against the lexicon, but the exception table is never consulted (ran stays ran)."""
from kit.lexicon import POS_TAGS, SUFFIX_RULES, known_lemmas

from solutions.lemmatization import *  # noqa: F401,F403


def lemmatize(word, pos="n"):
    if not isinstance(word, str):
        raise TypeError("word must be a str")
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of n, v, a, r, got {pos!r}")
    w = word.lower()
    lemmas = known_lemmas(pos)
    if w in lemmas:
        return w
    for suffix, replacement in SUFFIX_RULES[pos]:
        if w.endswith(suffix):
            candidate = w[: len(w) - len(suffix)] + replacement
            if candidate in lemmas:
                return candidate
    return w
