"""Tokenization: splitting text into tokens.

Course: chapter 2, "Generalized overview of NLP" -- text pre-processing.

A computer cannot work with a sentence as a whole; the first step of every
language pipeline is to cut the text into *tokens*. Here a token is either a
word or a single punctuation character:

* a **word** is a maximal run of letters and digits (any alphabet: "café",
  "Zürich", "42"); an apostrophe (' or ’) or a hyphen (-) *between* two such runs
  stays inside the word, so "don't" and "state-of-the-art" are one token each;
* every **other** character that is not whitespace is a token on its own
  (".", ",", "!", "_", "€", an emoji, an apostrophe at the start or end of a word);
* whitespace separates tokens and is dropped. Case is kept.

Worked example (from the course)::

    >>> tokenize("Working with natural language processing techniques is tricky.")
    ['Working', 'with', 'natural', 'language', 'processing', 'techniques', 'is', 'tricky', '.']

Once text is a list of tokens, *n-grams* (runs of n consecutive tokens) keep a
little of the word order that a plain list of words loses: "I only follow a
healthy lifestyle" and "Only I follow a healthy lifestyle" contain the same
words but not the same bigrams.

How it is checked: the tests compare your token lists exactly (type ``list`` of
``str``), on the course's sentence and on punctuation, contractions, hyphens,
digits, Unicode letters and whitespace; and your n-grams on short lists and
edge cases. Wrong argument types must raise ``TypeError``; a bad ``n``,
``ValueError``; each message names the offending argument (the kit's rule), e.g.
``"text: expected a str, got int"``.
"""

from __future__ import annotations


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word and punctuation tokens, in order, case kept.

    Rules: see the module docstring. Hint: a regular expression with
    ``re.findall`` does it in one line; ``[^\\W_]`` matches one letter or digit of
    any alphabet (``\\w`` without the underscore).

    Raises ``TypeError`` if ``text`` is not a ``str``.

        >>> tokenize("Don't stop -- it's state-of-the-art!")
        ["Don't", 'stop', '-', '-', "it's", 'state-of-the-art', '!']
    """
    raise NotImplementedError("tokenization.tokenize: not implemented yet")


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    """All runs of ``n`` consecutive tokens, as tuples, in order of position.

    ``n`` must be an ``int`` of at least 1 (``ValueError`` otherwise; ``TypeError``
    if it is not an int, or if ``tokens`` is not a list of ``str``). With fewer
    than ``n`` tokens the answer is ``[]``.

        >>> ngrams(["I", "only", "follow"], 2)
        [('I', 'only'), ('only', 'follow')]
    """
    raise NotImplementedError("tokenization.ngrams: not implemented yet")


def subword_tokenize(text: str) -> list[str]:
    """Split ``text`` into WordPiece sub-word tokens with the kit's pre-trained tokenizer.

    Needs the ``pretrained`` extra. Use ``kit.pretrained.tokenizer()`` (a Hugging
    Face tokenizer) and its ``tokenize`` method. Compare with :func:`tokenize`:
    rare words are cut into pieces ("tokenization" -> "token", "##ization") and
    this model lower-cases everything, so its vocabulary stays small (30,522).

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("tokenization.subword_tokenize: not implemented yet")
