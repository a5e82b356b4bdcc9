"""Bag of words: turning documents into a matrix of word counts.

Course: chapter 2, "Generalized overview of NLP" -- text representation.

A model needs numbers, not words. The simplest representation: fix a
*vocabulary* (a list of words, one column each) and describe every document by
how many times it contains each word -- one row per document. Word order is
forgotten (a "bag"), which is this method's main limitation.

Worked example (from the course). The two sentences "The cat chased the mouse
swiftly" and "The mouse chased the cat", after tokenizing and removing stop words::

    >>> docs = [["cat", "chased", "mouse", "swiftly"], ["mouse", "chased", "cat"]]
    >>> build_vocabulary(docs)
    ['cat', 'chased', 'mouse', 'swiftly']
    >>> bag_of_words(docs)
    array([[1, 1, 1, 1],
           [1, 1, 1, 0]])

The last column is "swiftly": once in the first sentence, not in the second.

Conventions (the same as scikit-learn's ``CountVectorizer`` when it is given
ready-made tokens, ``CountVectorizer(analyzer=lambda doc: doc, vocabulary=...)``):

* the vocabulary built from documents is the **sorted** list of their distinct
  tokens (Python's ``sorted``: by code point, so "Cat" comes before "cat");
* a vocabulary you pass is used **in the order given** (column ``j`` counts
  ``vocabulary[j]``); it must not hold the same word twice;
* tokens are counted exactly as given: no lower-casing, no stripping --
  pre-processing is the caller's job, so "Cat" and "cat" are different words;
* tokens that are not in the vocabulary are ignored;
* counts are whole numbers: the matrix has dtype ``int64``.

How it is checked: the tests compare your vocabularies and matrices exactly
(type, shape, dtype, values) on the course's example and on random corpora
against scikit-learn's ``CountVectorizer``. Wrong argument types raise
``TypeError``; a vocabulary with a repeated word, ``ValueError``. Every such
message names the offending argument (the kit's rule), e.g. ``"documents[1]:
expected a list of str tokens, got str"`` or ``"vocabulary: 'cat' occurs twice"``.
"""

from __future__ import annotations

import numpy as np


def build_vocabulary(documents: list[list[str]]) -> list[str]:
    """The sorted list of the distinct tokens of all documents (a new ``list`` of ``str``).

    Raises ``TypeError`` (naming ``documents``) unless ``documents`` is a ``list``
    of ``list``\\ s of ``str``: a document given as a ``str`` (not tokenized yet),
    a token that is not a ``str`` and a ``tuple`` of documents are all ``TypeError``.

        >>> build_vocabulary([["b", "a", "b"], ["c", "a"]])
        ['a', 'b', 'c']
    """
    raise NotImplementedError("bag_of_words.build_vocabulary: not implemented yet")


def bag_of_words(documents: list[list[str]], vocabulary: list[str] | None = None) -> np.ndarray:
    """Count matrix ``X`` with ``X[i, j]`` = how many times ``vocabulary[j]`` occurs in ``documents[i]``.

    ``vocabulary=None`` means ``build_vocabulary(documents)``. Returns an
    ``int64`` array of shape ``(len(documents), len(vocabulary))`` (an empty
    document gives a row of zeros; no documents give ``(0, len(vocabulary))``).

    Raises ``TypeError`` (naming the argument) unless ``documents`` is a ``list`` of
    ``list``\\ s of ``str`` and ``vocabulary`` is ``None`` or a ``list`` of ``str``;
    ``ValueError`` (naming ``vocabulary``) if a word occurs twice in ``vocabulary``.

        >>> bag_of_words([["a", "b", "a"], ["c"]], vocabulary=["a", "c"])
        array([[2, 0],
               [0, 1]])
    """
    raise NotImplementedError("bag_of_words.bag_of_words: not implemented yet")
