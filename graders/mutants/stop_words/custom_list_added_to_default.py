"""A custom stop list is added to the default list instead of replacing it."""
from solutions.stop_words import *  # noqa: F401,F403
from solutions.stop_words import ENGLISH_STOP_WORDS
from solutions.stop_words import remove_stop_words as _reference


def remove_stop_words(tokens, stop_words=None):
    if stop_words is None or isinstance(stop_words, str):
        return _reference(tokens, stop_words)
    return _reference(tokens, set(ENGLISH_STOP_WORDS) | set(stop_words))
