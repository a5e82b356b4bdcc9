"""Counts pronouns as substrings: the "he" in "the" and the "her" in "there" are counted."""
from solutions.data_bias import *  # noqa: F401,F403


def gendered_counts(texts):
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")
    counts = {"female": 0, "male": 0}
    for text in texts:
        lower = text.lower()
        counts["male"] += sum(lower.count(w) for w in ("he", "him", "his"))
        counts["female"] += sum(lower.count(w) for w in ("she", "her"))
    return counts
