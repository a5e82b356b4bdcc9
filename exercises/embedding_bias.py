"""Bias in embeddings, found and removed without labels -- and what removing it leaves behind.

Course: chapter 4, "Data bias", and the course's look ahead, "Unsupervised bias handling".

The course's nurse example ("The nurse said that..." continued with "she") is a bias a
model took from its data. Embeddings carry the same bias in their geometry: in many
embeddings "nurse" lies closer to "she" than to "he". *Unsupervised* bias handling
finds and removes such a bias from the vectors alone, with no labelled examples of
biased output. The course warns that bias can be subtle and that an algorithm may miss
it. This exercise measures a bias, removes it, and then measures how much is left.

**1. Measure: the Word Embedding Association Test** (WEAT; Caliskan et al. 2017).
Two *target* word sets ``X``, ``Y`` (e.g. occupations that stereotypes call female and
male) and two *attribute* sets ``A``, ``B`` (female and male words). For a word ``w``,
``s(w) = mean_{a in A} cos(w, a) - mean_{b in B} cos(w, b)``: how much closer ``w`` is
to ``A`` than to ``B`` (``cos`` = cosine similarity, never the plain dot product). Then

* the **effect size** ``(mean_{x in X} s(x) - mean_{y in Y} s(y)) / std_{w in X u Y} s(w)``,
  the standard deviation taken over the words of ``X`` and ``Y`` together, as a
  population (``numpy.std``'s default, ``ddof=0``; WEFE's convention). About 0.2 is
  small, 0.8 large (Cohen's d); the sign says which way.
* the **p-value** of the one-sided permutation test: if the split into ``X`` and ``Y``
  had nothing to do with ``A`` and ``B``, how often would a random split of the same
  pooled words into sets of sizes ``|X|`` and ``|Y|`` give a statistic *at least as
  large*? Small = the bias is unlikely to be chance. (The exact rule is in
  :func:`weat_p_value`.)

**2. Remove: a bias direction, and neutralising** (Bolukbasi et al. 2016). Pairs that
differ only by gender *by definition* -- ("she", "he"), ("woman", "man"), ... -- have
difference vectors that point roughly the same way. Their first principal component is
the *bias direction* ``g`` (:func:`bias_direction`). *Neutralising* a word that should
be neutral (an occupation) removes its component along ``g`` and scales what is left
back to length 1 (:func:`neutralize`). Afterwards every neutralised word is exactly as
close to "she" as to "he" along ``g``.

**3. What is left** (Gonen & Goldberg 2019, "Lipstick on a pig"). Neutralising takes
out one direction, but words that were biased may still sit near each other. Cluster the
neutralised vectors into 2 groups with k-means and count how many words land with their
old bias group (:func:`cluster_leakage`): 1.0 means the bias still fully separates them;
about 0.5 would be chance (a little more for few words).

Embeddings here are ``embed``: either a ``dict`` ``{word: vector}`` or a callable
``embed(word) -> vector`` (vectors: 1-D array-likes of numbers, all of one length, none
all zeros). Two sources are ready:

* :data:`TOY_EMBEDDINGS` (given, read from ``kit/data/embedding_bias_toy.tsv``): 20
  words with 5 readable features (female, caring, technical, young, royal), made for this
  kit. The occupations lean on "female" the way a stereotype would, and the female words
  lean a little on "caring", the male words on "technical" -- an indirect bias.
* the MiniLM sentence encoder (``kit.pretrained``, the ``pretrained`` extra) embeds
  single words: ``dict(zip(words, kit.pretrained.embed(words)))``.

Worked example on the toy embeddings::

    >>> X, Y = ["nurse", "receptionist", "homemaker", "librarian"], ["engineer", "programmer", "carpenter", "mechanic"]
    >>> A, B = ["she", "woman", "girl", "mother"], ["he", "man", "boy", "father"]
    >>> round(weat_effect_size(X, Y, A, B, TOY_EMBEDDINGS), 4)
    1.9819
    >>> weat_p_value(X, Y, A, B, TOY_EMBEDDINGS, permutations=100)   # C(8, 4) = 70 splits: exact
    0.014285714285714285
    >>> g = bias_direction(TOY_PAIRS, TOY_EMBEDDINGS)
    >>> [round(float(v), 2) for v in g]                               # mostly "female"
    [0.98, 0.15, -0.15, 0.0, 0.0]
    >>> neutral = dict(TOY_EMBEDDINGS) | {w: neutralize(TOY_EMBEDDINGS[w], g) for w in X + Y}
    >>> round(weat_effect_size(X, Y, A, B, neutral), 4)               # hardly lower: "caring" remains
    1.8624
    >>> cluster_leakage(X + Y, TOY_EMBEDDINGS, [1, 1, 1, 1, 0, 0, 0, 0], direction=g)
    1.0

What you should see on MiniLM (``X`` = :data:`SHE_OCCUPATIONS`, ``Y`` =
:data:`HE_OCCUPATIONS`, the ten most "she" and most "he" occupations of Bolukbasi et
al.'s Figure 1; ``A`` = :data:`FEMALE_TERMS`, ``B`` = :data:`MALE_TERMS`; ``g`` from
:data:`GENDER_PAIRS`; vectors from ``kit.pretrained.embed``):

* effect size about **1.55** (a large effect), p-value about **0.0001** with 10,000
  permutations and seed 0 (the smallest such a test can give: no random split beat it);
* after neutralising the 20 occupations: effect size about **0.48**, p-value about
  **0.15** -- much smaller and no longer significant, but not gone;
* cluster leakage of the 20 occupations (label 1 for ``X``, 0 for ``Y``) about **0.8**
  (the mean of seeds 0 to 4; single runs give 0.7 to 0.9, as k-means has several
  near-equal splits of these words), both before *and* after neutralising; chance would
  be about 0.59. Neutralising left the clusters much as they were.

The hidden tests hold you to these figures within: +-0.05 for the two effect sizes; at most
5/10001 for the first p-value; for the second, a 6-sigma binomial bound around the exact
p-value (0.159, from all 184,756 splits) and 0.10 to 0.21; +-0.1 for the mean leakage.

The rules of this kit
---------------------
* Word sets (``X``, ``Y``, ``A``, ``B``, ``words``) are ``list``\\ s (or tuples) of
  ``str``: not empty, no word twice. ``X`` and ``Y`` share no word, nor do ``A`` and ``B``.
* Every ``TypeError`` and ``ValueError`` message names the argument that is wrong
  (``"X: the word set is empty"``, ``"permutations: must be at least 1, got 0"``;
  vectors that are not usable are ``embed``'s fault). A word missing from a ``dict``
  ``embed`` is a ``KeyError`` whose message names the word set and the word.
* Compute in float64 (MiniLM returns float32: convert).

How it is checked: the effect size against WEFE's WEAT (the Word Embedding Fairness
Evaluation framework) on the same word sets (within 1e-9) and against the formula on
vectors of very different lengths; the p-value against every split enumerated (ties
included), against SciPy's ``permutation_test``, and, for the random version, against the
exact p-value within a binomial bound; the direction against scikit-learn's PCA of the pairs centred on their
means (sign included); neutralised vectors for orthogonality and unit length; the leakage
against scikit-learn's ``KMeans`` on well-separated groups; the MiniLM figures above within stated tolerances (tests marked
``pretrained``); every error in the docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kit.datasets import toy_embeddings

#: The names of the toy embeddings' five features, in order.
FEATURES: tuple[str, ...] = ("female", "caring", "technical", "young", "royal")

#: Definitional pairs of the toy embeddings, (female word, male word).
TOY_PAIRS: list[tuple[str, str]] = [("she", "he"), ("woman", "man"), ("girl", "boy"), ("mother", "father"),
                                    ("queen", "king")]

#: Definitional pairs for real embeddings (MiniLM), (female word, male word).
GENDER_PAIRS: list[tuple[str, str]] = [
    ("she", "he"), ("her", "his"), ("woman", "man"), ("girl", "boy"), ("mother", "father"),
    ("daughter", "son"), ("sister", "brother"), ("female", "male"), ("queen", "king"), ("wife", "husband")]

#: Attribute sets A and B for MiniLM.
FEMALE_TERMS: list[str] = ["she", "her", "woman", "girl", "mother", "daughter", "sister", "female"]
MALE_TERMS: list[str] = ["he", "his", "man", "boy", "father", "son", "brother", "male"]

#: The ten most "she" and most "he" occupations in Bolukbasi et al. (2016), Figure 1.
SHE_OCCUPATIONS: list[str] = ["homemaker", "nurse", "receptionist", "librarian", "socialite", "hairdresser",
                              "nanny", "bookkeeper", "stylist", "housekeeper"]
HE_OCCUPATIONS: list[str] = ["maestro", "skipper", "protege", "philosopher", "captain", "architect",
                             "financier", "warrior", "broadcaster", "magician"]


def load_toy_embeddings() -> dict[str, np.ndarray]:
    """The toy embeddings as a new ``{word: float64 vector of shape (5,)}`` dict. Given complete."""
    return toy_embeddings("embedding_bias")


#: she, he, woman, man, girl, boy, mother, father, queen, king, 8 occupations, teacher, doctor.
TOY_EMBEDDINGS: dict[str, np.ndarray] = load_toy_embeddings()


def word_vectors(words, embed, name: str) -> np.ndarray:
    """The vectors of ``words`` as a float64 array ``(len(words), d)``, checked. Given complete.

    ``name`` is the argument's name for the error messages ("X", "A", "pairs", ...).
    Raises ``TypeError`` unless ``words`` is a list or tuple of ``str`` and ``embed`` a
    ``dict`` or a callable; ``ValueError`` if ``words`` is empty or repeats a word, or if
    the vectors are not 1-D of one length, not finite or all zeros; ``KeyError`` if a word
    is not in a ``dict`` ``embed``.
    """
    if isinstance(words, str) or not isinstance(words, (list, tuple)):
        raise TypeError(f"{name}: expected a list of str, got {type(words).__name__}")
    if not all(isinstance(w, str) for w in words):
        raise TypeError(f"{name}: expected a list of str, found a {type(next(w for w in words if not isinstance(w, str))).__name__}")
    if not words:
        raise ValueError(f"{name}: the word set is empty")
    if len(set(words)) != len(words):
        raise ValueError(f"{name}: a word occurs twice")
    if isinstance(embed, Mapping):
        missing = [w for w in words if w not in embed]
        if missing:
            raise KeyError(f"{name}: {missing[0]!r} is not in embed")
        raw = [embed[w] for w in words]
    elif callable(embed):
        raw = [embed(w) for w in words]
    else:
        raise TypeError(f"embed: expected a dict {{word: vector}} or a callable word -> vector, "
                        f"got {type(embed).__name__}")
    try:
        vectors = [np.asarray(v, dtype=np.float64) for v in raw]
    except (TypeError, ValueError):
        raise TypeError(f"embed: the vectors of {name} are not arrays of numbers") from None
    if any(v.ndim != 1 or v.shape != vectors[0].shape or v.size == 0 for v in vectors):
        raise ValueError(f"embed: the vectors of {name} must be 1-D, non-empty and of one length")
    matrix = np.stack(vectors)
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"embed: a vector of {name} is not finite")
    if np.any(np.linalg.norm(matrix, axis=1) == 0):
        raise ValueError(f"embed: a vector of {name} is all zeros (no direction)")
    return matrix


def weat_effect_size(X, Y, A, B, embed) -> float:
    """The WEAT effect size of targets ``X``, ``Y`` and attributes ``A``, ``B``, a Python ``float``.

    With ``s(w) = mean_{a in A} cos(w, a) - mean_{b in B} cos(w, b)`` (cosine similarity)::

        (mean_{x in X} s(x) - mean_{y in Y} s(y)) / std_{w in X u Y} s(w)

    the standard deviation of the ``|X| + |Y|`` values ``s(w)`` together, population
    form (divide by ``|X| + |Y|``, ``ddof=0``). ``X`` and ``Y`` may differ in size.
    Positive: ``X`` is closer to ``A`` (and ``Y`` to ``B``) than the other way round.
    Swapping ``X`` and ``Y`` (or ``A`` and ``B``) flips the sign.

    Raises what :func:`word_vectors` raises for each set (named ``"X"``, ``"Y"``,
    ``"A"``, ``"B"``); ``ValueError`` if ``X`` and ``Y`` share a word (message naming
    ``X`` and ``Y``), if ``A`` and ``B`` share a word (naming ``A`` and ``B``), if the
    four sets' vectors differ in length (naming ``embed``), or if every ``s(w)`` is the
    same, so the standard deviation is 0 (naming ``X`` and ``Y``).

        >>> weat_effect_size(["nurse"], ["engineer"], ["she"], ["he"], TOY_EMBEDDINGS)  # one word each: +-2
        2.0
    """
    raise NotImplementedError("embedding_bias.weat_effect_size: not implemented yet")


def weat_p_value(X, Y, A, B, embed, permutations: int = 10_000, seed: int = 0) -> float:
    """The one-sided permutation-test p-value of WEAT, a Python ``float`` in ``(0, 1]``.

    The statistic of a split ``(Xi, Yi)`` of the pooled targets ``X + Y`` into sets of
    sizes ``|X|`` and ``|Y|`` is ``S(Xi, Yi) = sum_{x in Xi} s(x) - sum_{y in Yi} s(y)``
    (``s`` as in :func:`weat_effect_size`; ranking splits by ``S``, by
    ``sum_{x in Xi} s(x)`` or by the effect size gives the same order, use any). The
    observed split is ``(X, Y)``. A split *counts* when its statistic is at least the
    observed one: ``S(Xi, Yi) >= S(X, Y) - 1e-9`` (the tolerance keeps equal statistics,
    summed in another order, counting). "At least as large" only: one-sided, never
    ``abs``.

    * **Exact**, when the number of splits ``C(|X| + |Y|, |X|)`` is at most
      ``permutations``: go through every split once (the observed one included) and
      return ``count / C(|X| + |Y|, |X|)``.
    * **Random** otherwise: draw ``permutations`` uniformly random splits with
      ``numpy.random.default_rng(seed)`` (e.g. the first ``|X|`` of
      ``rng.permutation(|X| + |Y|)``), and return ``(count + 1) / (permutations + 1)``
      (the observed split counted once more, so the p-value is never 0). The same
      ``seed`` gives the same p-value.

    Raises ``TypeError`` if ``permutations`` or ``seed`` is not an ``int`` (message
    naming it); ``ValueError`` if ``permutations < 1``; and the errors of
    :func:`weat_effect_size` about the word sets (the zero-deviation one excepted: then
    every split counts).

        >>> weat_p_value(["nurse"], ["engineer"], ["she"], ["he"], TOY_EMBEDDINGS, permutations=2)
        0.5
    """
    raise NotImplementedError("embedding_bias.weat_p_value: not implemented yet")


def bias_direction(pairs, embed) -> np.ndarray:
    """The bias direction of definitional ``pairs``: a unit float64 vector of shape ``(d,)``.

    ``pairs`` is a list of ``(word, word)`` tuples, e.g. ``[("she", "he"), ("woman",
    "man")]``. As Bolukbasi et al.: scale every word's vector to length 1, take the
    difference ``first - second`` of each pair (rows of a matrix ``D``, one per pair),
    and return the first principal component of the pairs *centred on their own mean*
    -- which is the top right singular vector of ``D`` itself
    (``numpy.linalg.svd(D)[2][0]``). ``D`` is **not** centred on its mean over pairs:
    the shared difference is the direction we want, not noise around it.

    Sign: the direction is oriented so that the mean difference projects positively,
    ``g . mean(D) > 0`` (it points from the second words towards the first).

    Raises ``TypeError`` unless ``pairs`` is a list (or tuple) of 2-item tuples (or
    lists) of ``str`` (message naming ``pairs``); ``ValueError`` if ``pairs`` is empty,
    if a word occurs twice among the first (or the second) words, or if every
    difference is zero; ``KeyError`` for an unknown word (use
    ``word_vectors(..., name="pairs")``).

        >>> [round(float(v), 3) for v in bias_direction([("she", "he")], TOY_EMBEDDINGS)[:3]]
        [0.973, 0.162, -0.162]
    """
    raise NotImplementedError("embedding_bias.bias_direction: not implemented yet")


def neutralize(vectors, direction) -> np.ndarray:
    """``vectors`` with their component along ``direction`` removed, re-normalised to length 1.

    ``vectors``: one vector ``(d,)`` or rows ``(n, d)``; ``direction``: ``(d,)``, not
    necessarily of length 1 (use its unit vector ``g = direction / |direction|``). Each
    vector ``v`` becomes ``u / |u|`` with ``u = v - (v . g) g``. Returns a new float64
    array of the same shape as ``vectors`` (the input is not changed); every row is
    orthogonal to ``direction`` and of length 1.

    Raises ``TypeError`` if either argument is not numeric (message naming it);
    ``ValueError`` if ``vectors`` is not 1-D or 2-D, if ``direction`` is not 1-D of
    length ``d`` or is all zeros (naming ``direction``), or if a vector lies along the
    direction so that nothing is left of it (``|u|`` at most ``1e-12 |v|``; naming
    ``vectors``).

        >>> neutralize([3.0, 4.0], [1.0, 0.0])
        array([0., 1.])
    """
    raise NotImplementedError("embedding_bias.neutralize: not implemented yet")


def cluster_leakage(words, embed, labels, direction=None, seed: int = 0) -> float:
    """How well 2-means clusters of ``words`` recover their bias ``labels``, in ``[0.5, 1]``.

    ``labels[i]`` (0 or 1, one per word, both present) is the bias group of
    ``words[i]`` before any debiasing (e.g. 1 for "she" occupations, 0 for "he" ones,
    or the sign of each word's projection on the bias direction). The vectors are
    neutralised against ``direction`` with :func:`neutralize`, or, when ``direction``
    is ``None``, only scaled to length 1. Cluster them into 2 groups with k-means
    (Euclidean; Lloyd's algorithm with several restarts seeded by ``seed``, keeping the
    lowest within-cluster sum of squares; you may use
    ``sklearn.cluster.KMeans(n_clusters=2, n_init=10, random_state=seed)``). Cluster
    numbers are arbitrary, so return the better of the two ways to match clusters to
    labels: ``max(agree, 1 - agree)``, with ``agree`` the fraction of words whose
    cluster number equals their label. A Python ``float``.

    Raises what :func:`word_vectors` raises (``name="words"``); ``ValueError`` if there
    are fewer than 2 words (naming ``words``), if ``labels`` does not hold exactly one
    0-or-1 per word or lacks one of the two (naming ``labels``); ``TypeError`` if
    ``labels`` is not a list, tuple or array, or ``seed`` not an ``int``; the errors of
    :func:`neutralize` about ``direction``.

        >>> cluster_leakage(["nurse", "homemaker", "engineer", "mechanic"], TOY_EMBEDDINGS, [0, 0, 1, 1])
        1.0
    """
    raise NotImplementedError("embedding_bias.cluster_leakage: not implemented yet")
