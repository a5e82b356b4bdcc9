"""Returns n-grams as lists, and accepts n = 0 (returns empty tuples) instead of raising."""
from solutions.tokenization import *  # noqa: F401,F403


def ngrams(tokens, n):
    return [list(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
