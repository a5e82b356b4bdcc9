"""Stop word removal: dropping the little words that carry little meaning.

Course: chapter 2, "Generalized overview of NLP" -- text pre-processing.

Some words appear in almost every sentence -- "the", "is", "with", "of", "and" --
and say very little about what the sentence is about. They are called *stop
words*. Removing them after tokenization leaves the words that matter:

    ["Working", "with", "natural", "language", "processing", "techniques", "is", "tricky", "."]
    -> ["Working", "natural", "language", "processing", "techniques", "tricky", "."]

Which words count as stop words is a choice. The kit pins one list,
:data:`ENGLISH_STOP_WORDS` (given to you complete, loaded from
``kit/data/stop_words_en.txt``; that file says how many words it holds and where
they come from). It holds only *function words*: articles, pronouns,
prepositions, conjunctions, auxiliary and modal verbs and a few closed-class
adverbs -- all lower case. Punctuation is not in it, so ``"."`` is kept.

Your task: :func:`remove_stop_words`. The rules:

* a token is removed when its lower-case form (``token.lower()``) is one of the
  stop words, themselves compared in lower case: ``"The"``, ``"THE"`` and
  ``"the"`` all go;
* every other token is kept **as it is** (same case), in the same order, and as
  many times as it occurs -- the result is a ``list``, not a set;
* ``stop_words=None`` means :data:`ENGLISH_STOP_WORDS`; any other iterable of
  ``str`` (a list, set, tuple, frozenset) *replaces* the default list. A custom
  list is used exactly as given, so a custom list that holds ``"."`` removes
  ``"."``.

Worked example::

    >>> remove_stop_words(["The", "cat", "chased", "the", "mouse", "swiftly"])
    ['cat', 'chased', 'mouse', 'swiftly']
    >>> remove_stop_words(["the", "cat", "sat"], stop_words=["Cat"])
    ['the', 'sat']

How it is checked: the tests compare your lists exactly, on the course's
sentences, mixed case, repeated words, punctuation, custom stop lists and every
word of :data:`ENGLISH_STOP_WORDS`; the input list must be left unchanged.
Wrong argument types raise ``TypeError`` (see the docstring) with a message that
names the offending argument (the kit's rule), e.g. ``"tokens: expected a list of
str, got tuple"`` or ``"stop_words: expected an iterable of str, not a single str"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources


def load_stop_words(filename: str = "stop_words_en.txt") -> frozenset[str]:
    """Read a stop-word list from ``kit/data``: one word per line; ``#`` comments and blank lines skipped.

    Given complete (not part of the exercise).
    """
    text = resources.files("kit").joinpath("data", filename).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


#: The kit's pinned English stop words (lower case). Given complete.
ENGLISH_STOP_WORDS: frozenset[str] = load_stop_words()


def remove_stop_words(tokens: list[str], stop_words: Iterable[str] | None = None) -> list[str]:
    """Return a new list: the tokens of ``tokens`` that are not stop words, in order, case kept.

    ``stop_words``: ``None`` for :data:`ENGLISH_STOP_WORDS`, else an iterable of
    ``str`` that replaces it. The match is case-insensitive (compare lower-case
    forms on both sides); duplicates of kept tokens stay; ``tokens`` itself is not
    changed.

    Raises ``TypeError`` (naming the argument) if ``tokens`` is not a ``list`` of ``str``, or if
    ``stop_words`` is not ``None`` nor an iterable of ``str`` -- in particular a
    single ``str`` (``stop_words="the"`` would otherwise mean the letters t, h, e).

        >>> remove_stop_words(["Working", "with", "NLP", "is", "tricky", "."])
        ['Working', 'NLP', 'tricky', '.']
    """
    raise NotImplementedError("stop_words.remove_stop_words: not implemented yet")
