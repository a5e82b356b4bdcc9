"""Also throws away punctuation tokens (keeps only tokens with a letter or digit)."""
from solutions.stop_words import *
from solutions.stop_words import remove_stop_words as _reference


def remove_stop_words(tokens, stop_words=None):
    return [t for t in _reference(tokens, stop_words) if any(ch.isalnum() for ch in t)]
