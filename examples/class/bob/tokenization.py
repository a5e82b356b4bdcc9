"""Tokenization -- Bob's hand-in (partial, with the usual first-try mistakes)."""


def tokenize(text):
    # splits on spaces only: "tricky." stays one token, and the case is lost
    return text.lower().split()


def ngrams(tokens, n):
    # stops one window early
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n)]
