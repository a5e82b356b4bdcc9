"""lemmatize_tokens lemmatizes every token as a noun, even when pos_tags are given."""
from solutions.lemmatization import *  # noqa: F401,F403
from solutions.lemmatization import lemmatize
from solutions.lemmatization import lemmatize_tokens as _reference


def lemmatize_tokens(tokens, pos_tags=None):
    _reference(tokens, pos_tags)  # validation only
    return [lemmatize(t) for t in tokens]
