"""Prints 200 MB while being imported; otherwise a correct tokenizer."""
import re
import sys

_chunk = "spam " * 200_000 + "\n"
for _ in range(200):
    sys.stdout.write(_chunk)
sys.stdout.flush()

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    print("x" * 100_000)
    return _TOKEN.findall(text)


def ngrams(tokens, n):
    if not isinstance(tokens, list):
        raise TypeError("tokens must be a list")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
