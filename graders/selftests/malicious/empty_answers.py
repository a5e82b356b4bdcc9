"""Control for write_back_inputs: the same empty answers, without touching the arguments."""


def tokenize(text):
    return []


def ngrams(tokens, n):
    return []
