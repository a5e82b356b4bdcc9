"""Accepts a single str as stop_words (it then means its letters) instead of raising TypeError."""
from solutions.stop_words import *  # noqa: F401,F403
from solutions.stop_words import remove_stop_words as _reference


def remove_stop_words(tokens, stop_words=None):
    if isinstance(stop_words, str):
        stop_words = list(stop_words)
    return _reference(tokens, stop_words)
