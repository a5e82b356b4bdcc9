"""Does not lower-case the word: "Running" and "MICE" are not found in the lower-case lexicon."""
from kit.lexicon import POS_TAGS, SUFFIX_RULES, exceptions, known_lemmas

from solutions.lemmatization import *  # noqa: F401,F403


def lemmatize(word, pos="n"):
    if not isinstance(word, str):
        raise TypeError("word must be a str")
    if pos not in POS_TAGS:
        raise ValueError(f"pos must be one of n, v, a, r, got {pos!r}")
    if word in exceptions(pos):
        return exceptions(pos)[word]
    if word in known_lemmas(pos):
        return word
    for suffix, replacement in SUFFIX_RULES[pos]:
        if word.endswith(suffix):
            candidate = word[: len(word) - len(suffix)] + replacement
            if candidate in known_lemmas(pos):
                return candidate
    return word
