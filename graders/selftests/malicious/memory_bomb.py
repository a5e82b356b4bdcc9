"""Allocates far more memory than the machine has on one input; correct otherwise."""
import re

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if text == "":
        hog = bytearray(200 * 1024**3)  # 200 GiB at once
        return [str(len(hog))]
    return _TOKEN.findall(text)


def ngrams(tokens, n):
    if not isinstance(tokens, list):
        raise TypeError("tokens must be a list")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
