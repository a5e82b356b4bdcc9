"""Analogy does not exclude a, b and c from the candidates (often answers c itself)."""
import numpy as np

from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import _best, _matrix_of


def analogy(a, b, c, embeddings):
    words, matrix = _matrix_of(embeddings)
    for w in (a, b, c):
        if w not in embeddings:
            raise KeyError(w)
    if not set(words) - {a, b, c}:
        raise ValueError("no word is left")
    target = matrix[words.index(b)] - matrix[words.index(a)] + matrix[words.index(c)]
    if not np.any(target):
        raise ValueError("b - a + c is a zero vector")
    return _best(target, words, matrix, exclude=set())[0][0]
