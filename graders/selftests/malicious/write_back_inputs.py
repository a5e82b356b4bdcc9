"""Returns garbage and rewrites its arguments so that an expected value computed from them
afterwards would match (class 2: the test's objects are never changed)."""


def tokenize(text):
    return []


def ngrams(tokens, n):
    tokens.clear()     # expected ngrams of [] is [] -- if this change reached the test
    return []
