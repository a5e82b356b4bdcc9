"""Returns the counts as a float64 matrix (np.zeros default dtype) instead of int64."""
from solutions.bag_of_words import *  # noqa: F401,F403
from solutions.bag_of_words import bag_of_words as _bag


def bag_of_words(documents, vocabulary=None):
    return _bag(documents, vocabulary).astype(float)
