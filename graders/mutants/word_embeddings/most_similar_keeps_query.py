"""most_similar does not exclude the query word (it comes first, with similarity 1)."""
from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import _best, _matrix_of


def most_similar(word, embeddings, k=5):
    words, matrix = _matrix_of(embeddings)
    if word not in embeddings:
        raise KeyError(word)
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError("k must be an int")
    if k < 1:
        raise ValueError("k must be at least 1")
    return _best(matrix[words.index(word)], words, matrix, exclude=set())[:k]
