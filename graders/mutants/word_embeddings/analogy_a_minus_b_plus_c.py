"""Analogy target a - b + c instead of b - a + c."""
from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import analogy as _reference


def analogy(a, b, c, embeddings):
    return _reference(b, a, c, embeddings)
