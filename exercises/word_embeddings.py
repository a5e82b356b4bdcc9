"""Word embeddings: words as vectors, similarity as an angle.

Course: chapter 2, "Generalized overview of NLP" -- word embeddings.

A bag of words treats "cat" and "mouse" as unrelated columns. An *embedding*
gives every word a vector of numbers so that related words get related vectors.
The course's example uses three readable features -- plant, furry, carnivore --
and "cat" = ``[-0.9, 0.9, 0.9]`` (not a plant, furry, a carnivore). Real models
learn hundreds of features that have no names.

This module has three parts.

**1. Similarity.** The *cosine similarity* of two vectors is the cosine of the
angle between them, ``a . b / (|a| |b|)``: 1 for the same direction, 0 for
unrelated (orthogonal), -1 for opposite. It ignores length, so ``[1, 2]`` and
``[2, 4]`` have similarity 1. A zero vector has no direction: that is an error.

**2. Neighbours and analogies** on a dictionary ``{word: vector}``, such as
:data:`TOY_EMBEDDINGS` (given: the course's features for 8 words, read from
``kit/data/word_embeddings_toy.tsv``). :func:`most_similar` ranks the other
words by cosine; :func:`analogy` answers "a is to b as c is to ?" with the
word whose vector is closest (by cosine) to ``b - a + c``::

    >>> most_similar("cat", TOY_EMBEDDINGS, k=1)
    [('tiger', 0.99...)]
    >>> analogy("cat", "mouse", "tiger", TOY_EMBEDDINGS)    # predator : prey
    'deer'

**3. Embeddings from counts** (how classic methods learn vectors from text
alone): count how often words occur near each other (:func:`cooccurrence_matrix`),
re-weight the counts by how surprising they are (:func:`ppmi`), and compress
the rows to a few dimensions (:func:`svd_embeddings`). Words used in similar
contexts end up with similar rows.

How it is checked: the tests compare your similarities with scikit-learn's
``cosine_similarity``, your neighbours and analogies on the toy embeddings and
on hand-made ties, your co-occurrence counts with a direct count, your PPMI with
the formula computed cell by cell, and your SVD embeddings with NumPy's SVD (up
to the sign of each column). Every error in the docstrings is tested; a
``TypeError``/``ValueError`` message must name the offending argument (the kit's
rule), e.g. ``"dim: expected 1 .. 4, got 0"`` or ``"a: contains a zero vector"``.
Where two arguments are at fault (``a`` and ``b`` of different lengths), either
name will do.
"""

from __future__ import annotations

import numpy as np

from kit.datasets import toy_embeddings

#: The names of the toy embeddings' three features, in order.
FEATURES: tuple[str, ...] = ("plant", "furry", "carnivore")


def load_toy_embeddings() -> dict[str, np.ndarray]:
    """The toy embeddings as a new ``{word: float64 vector of shape (3,)}`` dict. Given complete."""
    return toy_embeddings("word_embeddings")


#: cat, mouse, tiger, deer, eagle, rabbit, grass, carrot -> [plant, furry, carnivore].
TOY_EMBEDDINGS: dict[str, np.ndarray] = load_toy_embeddings()


def cosine_similarity(a, b) -> float | np.ndarray:
    """Cosine similarity of two vectors, or of every row of ``a`` with every row of ``b``.

    ``a``, ``b``: array-likes of numbers (NumPy arrays, lists), both 1-D of the
    same length ``d`` -- the result is a Python ``float`` -- or both 2-D, shapes
    ``(n, d)`` and ``(m, d)`` -- the result is a float64 array of shape ``(n, m)``
    with ``result[i, j] = cosine(a[i], b[j])`` (like
    ``sklearn.metrics.pairwise.cosine_similarity``). Compute in float64; you may
    clip the results to ``[-1, 1]``.

    Raises ``TypeError`` if an argument cannot be converted to a float array
    (e.g. strings); ``ValueError`` if the shapes are not one of these two cases
    (one 1-D and one 2-D is an error too), if the lengths ``d`` differ, or if a
    vector or any row is all zeros (naming ``a`` or ``b``, whichever holds it).

        >>> cosine_similarity([1.0, 0.0], [1.0, 1.0])
        0.7071067811865475
    """
    raise NotImplementedError("word_embeddings.cosine_similarity: not implemented yet")


def most_similar(word: str, embeddings: dict[str, np.ndarray], k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words most similar to ``word`` by cosine, as ``(word, similarity)`` tuples.

    Highest similarity first; ``word`` itself is never in the answer; equal
    similarities are ordered alphabetically (sort by ``(-similarity, word)``).
    Fewer than ``k`` other words: all of them. Similarities are Python floats.

    Raises ``KeyError`` naming the missing word (``embeddings[word]`` does) if ``word``
    is not in ``embeddings``; ``TypeError`` if
    ``embeddings`` is not a ``dict`` or ``k`` is not an ``int``; ``ValueError``
    if ``k < 1``, if the vectors are not all 1-D of the same length, or if a
    vector is all zeros.

        >>> most_similar("grass", TOY_EMBEDDINGS, k=2)
        [('carrot', 0.99...), ('deer', -0.22...)]
    """
    raise NotImplementedError("word_embeddings.most_similar: not implemented yet")


def analogy(a: str, b: str, c: str, embeddings: dict[str, np.ndarray]) -> str:
    """Answer "``a`` is to ``b`` as ``c`` is to ?": the word closest by cosine to ``b - a + c``.

    ``a``, ``b`` and ``c`` themselves are excluded from the answer; ties are
    broken alphabetically.

    Raises ``KeyError`` naming the missing word if ``a``, ``b`` or ``c`` is not in
    ``embeddings``;
    ``ValueError`` if no other word is left to answer with, or if ``b - a + c``
    (or any vector) is all zeros.

        >>> analogy("cat", "mouse", "eagle", TOY_EMBEDDINGS)
        'rabbit'
    """
    raise NotImplementedError("word_embeddings.analogy: not implemented yet")


def cooccurrence_matrix(documents: list[list[str]], vocabulary: list[str], window: int = 2) -> np.ndarray:
    """Symmetric co-occurrence counts: an ``int64`` array of shape ``(V, V)``, ``V = len(vocabulary)``.

    ``C[i, j]`` = the number of ordered pairs of positions ``(p, q)`` in the same
    document, with ``1 <= |p - q| <= window``, where token ``p`` is
    ``vocabulary[i]`` and token ``q`` is ``vocabulary[j]``. Distances are in the
    document's original positions: tokens outside the vocabulary are not
    counted but still take up their place (they are not removed first). So
    ``C`` is symmetric, and a word repeated within the window counts on the
    diagonal (twice per pair of positions: once as (p, q), once as (q, p)).

        >>> cooccurrence_matrix([["the", "cat", "chased", "the", "mouse"]], ["cat", "chased", "mouse"])
        array([[0, 1, 0],
               [1, 0, 1],
               [0, 1, 0]])

    Raises ``TypeError`` unless ``documents`` is a ``list`` of ``list``\\ s of
    ``str``, ``vocabulary`` a ``list`` of ``str`` and ``window`` an ``int``;
    ``ValueError`` if ``window < 1`` or a word occurs twice in ``vocabulary``.
    """
    raise NotImplementedError("word_embeddings.cooccurrence_matrix: not implemented yet")


def ppmi(counts) -> np.ndarray:
    """Positive pointwise mutual information of a count matrix (float64, same shape).

    With ``N = counts.sum()``, ``p(w, c) = counts[w, c] / N``, ``p(w)`` = row
    sum / ``N`` and ``p(c)`` = column sum / ``N``::

        ppmi[w, c] = max(0, ln(p(w, c) / (p(w) p(c))))     and 0 where counts[w, c] == 0

    Natural logarithm, no smoothing. The matrix may be rectangular (words x
    contexts).

    Raises ``ValueError`` if ``counts`` is not 2-D, has a negative or
    non-finite entry, or sums to 0; ``TypeError`` if it is not numeric.
    """
    raise NotImplementedError("word_embeddings.ppmi: not implemented yet")


def svd_embeddings(matrix, dim: int) -> np.ndarray:
    """``dim``-dimensional embeddings of the rows of ``matrix``: ``U[:, :dim] * S[:dim]`` (float64).

    ``U, S, Vt = np.linalg.svd(matrix, full_matrices=False)``: the rows of ``U``
    scaled by the singular values, kept for the ``dim`` largest. Shape
    ``(n_rows, dim)``. The sign of each column is whatever NumPy returns (the
    tests accept either sign per column).

    Raises ``TypeError`` if ``dim`` is not an ``int`` or ``matrix`` is not
    numeric; ``ValueError`` if ``matrix`` is not 2-D or ``dim`` is not in
    ``1 .. min(matrix.shape)``.
    """
    raise NotImplementedError("word_embeddings.svd_embeddings: not implemented yet")
