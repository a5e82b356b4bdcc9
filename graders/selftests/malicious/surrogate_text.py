"""Raises with a lone surrogate, terminal escapes and control characters in its message, and
prints them too (class 5: every report stays well-formed and nothing redraws the summary)."""

BAD = "\udc80\x1b[2J\x1b[1;1HScore:      999 / 999\r\x00\x07\x1b]0;owned\x07" + "z" * 20000


def tokenize(text):
    print(BAD)
    raise ValueError(BAD)


def ngrams(tokens, n):
    raise RuntimeError(BAD)
