"""Training pairs use only the previous word as context ((["brown"], "fox")), not the whole prefix."""
from solutions.next_word_prediction import *  # noqa: F401,F403


def next_word_pairs(tokens):
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    return [([tokens[i - 1]], tokens[i]) for i in range(1, len(tokens))]
