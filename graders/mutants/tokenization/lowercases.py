"""Lower-cases while tokenizing: mixes up two pre-processing steps (case must be kept)."""
import re

from solutions.tokenization import *  # noqa: F401,F403


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return re.findall(r"[^\W_]+(?:['’-][^\W_]+)*|\S", text.lower())
