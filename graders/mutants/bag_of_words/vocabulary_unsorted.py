"""Builds the vocabulary in order of first appearance instead of sorting it."""
from solutions.bag_of_words import *  # noqa: F401,F403
from solutions.bag_of_words import _check_documents
from solutions.bag_of_words import bag_of_words as _bag


def build_vocabulary(documents):
    _check_documents(documents)
    return list(dict.fromkeys(token for doc in documents for token in doc))


def bag_of_words(documents, vocabulary=None):
    if vocabulary is None:
        vocabulary = build_vocabulary(documents)
    return _bag(documents, vocabulary)
