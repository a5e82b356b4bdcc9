"""Tokenization -- Carol has not started (the stub as handed out)."""


def tokenize(text):
    raise NotImplementedError("tokenize: write me")


def ngrams(tokens, n):
    raise NotImplementedError("ngrams: write me")
