"""n-gram loop stops one position early (range(len(tokens) - n)): the last n-gram is lost."""
from solutions.tokenization import *  # noqa: F401,F403


def ngrams(tokens, n):
    if not isinstance(tokens, list):
        raise TypeError("tokens must be a list")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n)]
