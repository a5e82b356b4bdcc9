"""Checks pos but then always lemmatizes as a noun (talking/v stays talking, ran/v stays ran)."""
from solutions.lemmatization import *
from solutions.lemmatization import lemmatize as _reference


def lemmatize(word, pos="n"):
    _reference(word, pos)  # validation only
    return _reference(word, "n")
