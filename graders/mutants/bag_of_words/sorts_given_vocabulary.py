"""Sorts a vocabulary it is given, so the columns no longer follow the caller's order."""
from solutions.bag_of_words import *  # noqa: F401,F403
from solutions.bag_of_words import bag_of_words as _bag


def bag_of_words(documents, vocabulary=None):
    if isinstance(vocabulary, list) and all(isinstance(w, str) for w in vocabulary):
        vocabulary = sorted(vocabulary)
    return _bag(documents, vocabulary)
