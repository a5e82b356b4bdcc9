"""Lower-cases the tokens (and the vocabulary) before counting: "Cat" and "cat" are merged."""
from solutions.bag_of_words import *  # noqa: F401,F403
from solutions.bag_of_words import bag_of_words as _bag
from solutions.bag_of_words import build_vocabulary as _vocab


def _lower(documents):
    return [[t.lower() for t in doc] if isinstance(doc, list) and all(isinstance(t, str) for t in doc)
            else doc for doc in documents] if isinstance(documents, list) else documents


def build_vocabulary(documents):
    return _vocab(_lower(documents))


def bag_of_words(documents, vocabulary=None):
    if isinstance(vocabulary, list) and all(isinstance(w, str) for w in vocabulary):
        vocabulary = list(dict.fromkeys(w.lower() for w in vocabulary)) \
            if len(set(vocabulary)) == len(vocabulary) else vocabulary
    return _bag(_lower(documents), vocabulary)
