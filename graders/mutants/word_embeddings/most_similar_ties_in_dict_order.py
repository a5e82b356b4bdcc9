"""Sorts by similarity only: equal similarities stay in dictionary order, not alphabetical."""
from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import _matrix_of, cosine_similarity


def most_similar(word, embeddings, k=5):
    words, matrix = _matrix_of(embeddings)
    if word not in embeddings:
        raise KeyError(word)
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    sims = cosine_similarity(matrix[words.index(word)][None, :], matrix)[0]
    ranked = [(w, float(s)) for w, s in zip(words, sims) if w != word]
    return sorted(ranked, key=lambda pair: -pair[1])[:k]
