"""Returns the kept tokens lower-cased (mixes stop word removal up with case folding)."""
from solutions.stop_words import *
from solutions.stop_words import remove_stop_words as _reference


def remove_stop_words(tokens, stop_words=None):
    return [t.lower() for t in _reference(tokens, stop_words)]
