"""Bag of words (reference solution)."""

from __future__ import annotations

import numpy as np


def _check_documents(documents) -> None:
    if not isinstance(documents, list):
        raise TypeError(f"documents must be a list of token lists, got {type(documents).__name__}")
    for i, doc in enumerate(documents):
        if not isinstance(doc, list):
            raise TypeError(f"documents[{i}] must be a list of str tokens, got {type(doc).__name__} "
                            "(tokenize the text first)")
        if not all(isinstance(t, str) for t in doc):
            raise TypeError(f"documents[{i}] must contain only str tokens")


def build_vocabulary(documents: list[list[str]]) -> list[str]:
    _check_documents(documents)
    return sorted({token for doc in documents for token in doc})


def bag_of_words(documents: list[list[str]], vocabulary: list[str] | None = None) -> np.ndarray:
    _check_documents(documents)
    if vocabulary is None:
        vocabulary = build_vocabulary(documents)
    elif not isinstance(vocabulary, list) or not all(isinstance(w, str) for w in vocabulary):
        raise TypeError("vocabulary must be None or a list of str")
    column = {word: j for j, word in enumerate(vocabulary)}
    if len(column) != len(vocabulary):
        raise ValueError("vocabulary must not contain the same word twice")
    counts = np.zeros((len(documents), len(vocabulary)), dtype=np.int64)
    for i, doc in enumerate(documents):
        for token in doc:
            j = column.get(token)
            if j is not None:          # tokens outside the vocabulary are ignored
                counts[i, j] += 1
    return counts
