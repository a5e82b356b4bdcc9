"""Kills its own process with os._exit() inside tokenize; ngrams is correct."""
import os


def tokenize(text):
    os._exit(0)


def ngrams(tokens, n):
    if not isinstance(tokens, list):
        raise TypeError("tokens must be a list")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
