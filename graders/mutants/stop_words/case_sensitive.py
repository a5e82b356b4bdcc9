"""Case-sensitive match: "The" and "IS" are not recognised as stop words."""
from solutions.stop_words import *  # noqa: F401,F403
from solutions.stop_words import ENGLISH_STOP_WORDS


def remove_stop_words(tokens, stop_words=None):
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if isinstance(stop_words, str) or not (stop_words is None or all(isinstance(s, str) for s in stop_words)):
        raise TypeError("stop_words must be an iterable of str")
    stop = set(ENGLISH_STOP_WORDS if stop_words is None else stop_words)
    return [t for t in tokens if t not in stop]
