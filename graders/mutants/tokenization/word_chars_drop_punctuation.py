"""Uses \\w+ only: punctuation is dropped and underscores count as letters."""
import re

from solutions.tokenization import *  # noqa: F401,F403


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return re.findall(r"\w+(?:['’-]\w+)*", text)
