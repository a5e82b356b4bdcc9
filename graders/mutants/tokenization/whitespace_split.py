"""Splits on whitespace only: punctuation stays glued to the words ("tricky.")."""
from solutions.tokenization import *  # noqa: F401,F403


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return text.split()
