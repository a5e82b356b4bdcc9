"""Accepts a vocabulary with a repeated word (the later column silently wins) instead of raising ValueError."""
import numpy as np

from solutions.bag_of_words import *  # noqa: F401,F403
from solutions.bag_of_words import _check_documents, build_vocabulary


def bag_of_words(documents, vocabulary=None):
    _check_documents(documents)
    if vocabulary is None:
        vocabulary = build_vocabulary(documents)
    elif not isinstance(vocabulary, list) or not all(isinstance(w, str) for w in vocabulary):
        raise TypeError("vocabulary must be None or a list of str")
    column = {word: j for j, word in enumerate(vocabulary)}
    counts = np.zeros((len(documents), len(vocabulary)), dtype=np.int64)
    for i, doc in enumerate(documents):
        for token in doc:
            if token in column:
                counts[i, column[token]] += 1
    return counts
