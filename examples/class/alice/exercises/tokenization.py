"""Tokenization -- Alice's hand-in (a complete one; a GitHub Classroom repository keeps
its code in exercises/)."""

import re

WORD = r"[^\W_]+(?:['’-][^\W_]+)*"   # letters/digits, joined by ' ’ or - inside a word
OTHER = r"\S"                         # any other visible character is a token of its own


def tokenize(text):
    if type(text) is not str:
        raise TypeError("text should be a str")
    return re.findall(WORD + "|" + OTHER, text)


def ngrams(tokens, n):
    if not isinstance(tokens, list):
        raise TypeError("tokens should be a list")
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError("tokens should hold str only")
    if type(n) is not int:
        raise TypeError("n should be an int")
    if n <= 0:
        raise ValueError("n should be positive")
    grams = []
    for start in range(0, len(tokens) - n + 1):
        grams.append(tuple(tokens[start:start + n]))
    return grams


def subword_tokenize(text):
    # WordPiece pieces from the pretrained model's own tokenizer (the kit loads it offline)
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    from kit.pretrained import tokenizer

    return tokenizer().tokenize(text)
