"""Removes out-of-vocabulary tokens before measuring distances (so words seem closer than they are)."""
from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import cooccurrence_matrix as _reference


def cooccurrence_matrix(documents, vocabulary, window=2):
    _reference(documents, vocabulary, window)  # validation only
    kept = [[t for t in doc if t in set(vocabulary)] for doc in documents]
    return _reference(kept, vocabulary, window)
