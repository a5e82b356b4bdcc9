"""Returns sorted(set(...)) of the kept tokens: repeated words and the original order are lost."""
from solutions.stop_words import *
from solutions.stop_words import remove_stop_words as _reference


def remove_stop_words(tokens, stop_words=None):
    return sorted(set(_reference(tokens, stop_words)))
