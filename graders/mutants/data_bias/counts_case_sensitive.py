"""Counts only lower-case pronouns: "He" at the start of a sentence is missed."""
import re

from solutions.data_bias import *  # noqa: F401,F403


def gendered_counts(texts):
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")
    counts = {"female": 0, "male": 0}
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", text):
            if word in MALE_PRONOUNS:
                counts["male"] += 1
            elif word in FEMALE_PRONOUNS:
                counts["female"] += 1
    return counts
