"""Tokenization: splitting text into tokens (reference solution)."""

from __future__ import annotations

import re

# A word: letters/digits of any alphabet, with ' ’ or - allowed *between* two runs.
# Anything else that is not whitespace: one token per character.
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _TOKEN.findall(text)


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def subword_tokenize(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    from kit import pretrained

    return pretrained.tokenizer().tokenize(text)
