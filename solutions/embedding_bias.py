"""Bias in embeddings without labels: WEAT, a bias direction, neutralising, what is left (reference)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations

import numpy as np

from kit.datasets import toy_embeddings

FEATURES: tuple[str, ...] = ("female", "caring", "technical", "young", "royal")
TOY_PAIRS: list[tuple[str, str]] = [("she", "he"), ("woman", "man"), ("girl", "boy"), ("mother", "father"),
                                    ("queen", "king")]
GENDER_PAIRS: list[tuple[str, str]] = [
    ("she", "he"), ("her", "his"), ("woman", "man"), ("girl", "boy"), ("mother", "father"),
    ("daughter", "son"), ("sister", "brother"), ("female", "male"), ("queen", "king"), ("wife", "husband")]
FEMALE_TERMS: list[str] = ["she", "her", "woman", "girl", "mother", "daughter", "sister", "female"]
MALE_TERMS: list[str] = ["he", "his", "man", "boy", "father", "son", "brother", "male"]
SHE_OCCUPATIONS: list[str] = ["homemaker", "nurse", "receptionist", "librarian", "socialite", "hairdresser",
                              "nanny", "bookkeeper", "stylist", "housekeeper"]
HE_OCCUPATIONS: list[str] = ["maestro", "skipper", "protege", "philosopher", "captain", "architect",
                             "financier", "warrior", "broadcaster", "magician"]


def load_toy_embeddings() -> dict[str, np.ndarray]:
    return toy_embeddings("embedding_bias")


TOY_EMBEDDINGS: dict[str, np.ndarray] = load_toy_embeddings()


def word_vectors(words, embed, name: str) -> np.ndarray:
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


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


# --------------------------------------------------------------------------- WEAT


def _associations(X, Y, A, B, embed) -> tuple[np.ndarray, int]:
    """s(w, A, B) for every word of X then Y, and |X|."""
    vx, vy = word_vectors(X, embed, "X"), word_vectors(Y, embed, "Y")
    va, vb = word_vectors(A, embed, "A"), word_vectors(B, embed, "B")
    if set(X) & set(Y):
        raise ValueError("X and Y: a word is in both target sets")
    if set(A) & set(B):
        raise ValueError("A and B: a word is in both attribute sets")
    if len({vx.shape[1], vy.shape[1], va.shape[1], vb.shape[1]}) != 1:
        raise ValueError("embed: the vectors of X, Y, A and B must have one length")
    targets = _unit(np.vstack([vx, vy]))
    s = (targets @ _unit(va).T).mean(axis=1) - (targets @ _unit(vb).T).mean(axis=1)
    return s, len(X)


def weat_effect_size(X, Y, A, B, embed) -> float:
    s, nx = _associations(X, Y, A, B, embed)
    std = s.std()                                    # population std (ddof=0) over X and Y together
    if std == 0:
        raise ValueError("X and Y: every word has the same association s(w, A, B); the effect size is undefined")
    return float((s[:nx].mean() - s[nx:].mean()) / std)


def weat_p_value(X, Y, A, B, embed, permutations: int = 10_000, seed: int = 0) -> float:
    if isinstance(permutations, bool) or not isinstance(permutations, int):
        raise TypeError(f"permutations: expected an int, got {type(permutations).__name__}")
    if permutations < 1:
        raise ValueError(f"permutations: must be at least 1, got {permutations}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    s, nx = _associations(X, Y, A, B, embed)
    n, total = len(s), s.sum()

    def statistic(sum_x):                            # S(Xi, Yi) = sum over Xi - sum over Yi
        return sum_x - (total - sum_x)

    observed = statistic(s[:nx].sum())
    splits = math.comb(n, nx)
    if splits <= permutations:                       # exact: every split once, the observed one included
        sums = np.array([s[list(chosen)].sum() for chosen in combinations(range(n), nx)])
    else:
        rng = np.random.default_rng(seed)
        sums = np.array([s[rng.permutation(n)[:nx]].sum() for _ in range(permutations)])
    at_least = int(np.sum(statistic(sums) >= observed - 1e-9))   # equal statistics summed in another order count
    if splits <= permutations:
        return at_least / splits
    return (at_least + 1) / (permutations + 1)


# --------------------------------------------------------------------------- direction and neutralising


def bias_direction(pairs, embed) -> np.ndarray:
    if isinstance(pairs, str) or not isinstance(pairs, (list, tuple)):
        raise TypeError(f"pairs: expected a list of (word, word) tuples, got {type(pairs).__name__}")
    if not pairs:
        raise ValueError("pairs: no definitional pair given")
    if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs):
        raise TypeError("pairs: every item must be a (word, word) tuple")
    first = _unit(word_vectors([a for a, _ in pairs], embed, "pairs"))
    second = _unit(word_vectors([b for _, b in pairs], embed, "pairs"))
    differences = first - second
    if not np.any(differences):
        raise ValueError("pairs: every pair has equal vectors; there is no direction")
    _, _, vt = np.linalg.svd(differences, full_matrices=False)
    direction = vt[0]
    if direction @ differences.mean(axis=0) < 0:
        direction = -direction
    return direction


def neutralize(vectors, direction) -> np.ndarray:
    try:
        vectors = np.asarray(vectors, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("vectors: expected an array of numbers") from None
    try:
        direction = np.asarray(direction, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("direction: expected an array of numbers") from None
    if vectors.ndim not in (1, 2):
        raise ValueError(f"vectors: expected shape (d,) or (n, d), got {vectors.shape}")
    if direction.ndim != 1 or direction.shape[0] != vectors.shape[-1]:
        raise ValueError(f"direction: expected shape ({vectors.shape[-1]},), got {direction.shape}")
    if not np.any(direction):
        raise ValueError("direction: the zero vector has no direction")
    g = direction / np.linalg.norm(direction)
    rows = np.atleast_2d(vectors)
    rest = rows - np.outer(rows @ g, g)
    norms = np.linalg.norm(rest, axis=1, keepdims=True)
    if np.any(norms <= 1e-12 * np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-300)):
        raise ValueError("vectors: a vector lies along the direction; nothing is left after neutralising")
    rest = rest / norms
    return rest[0] if vectors.ndim == 1 else rest


# --------------------------------------------------------------------------- what is left


def _two_means(points: np.ndarray, seed: int, restarts: int = 10, max_iter: int = 100) -> np.ndarray:
    """Lloyd's k-means with 2 clusters, the lowest-inertia of several seeded restarts."""
    rng = np.random.default_rng(seed)
    best, best_inertia = None, np.inf
    for _ in range(restarts):
        centers = points[rng.choice(len(points), size=2, replace=False)]
        assign = None
        for _ in range(max_iter):
            distances = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
            new = distances.argmin(axis=1)
            if assign is not None and np.array_equal(new, assign):
                break
            assign = new
            if np.all(assign == assign[0]):          # one cluster emptied: this restart is done
                break
            centers = np.stack([points[assign == k].mean(axis=0) for k in (0, 1)])
        inertia = ((points - centers[assign]) ** 2).sum()
        if inertia < best_inertia:
            best, best_inertia = assign, inertia
    return best


def cluster_leakage(words, embed, labels, direction=None, seed: int = 0) -> float:
    vectors = word_vectors(words, embed, "words")
    if len(words) < 2:
        raise ValueError("words: at least 2 words are needed for 2 clusters")
    if isinstance(labels, str) or not isinstance(labels, (list, tuple, np.ndarray)):
        raise TypeError(f"labels: expected a list of 0/1, got {type(labels).__name__}")
    labels = np.asarray(labels)
    if labels.shape != (len(words),):
        raise ValueError(f"labels: expected one label per word ({len(words)}), got shape {labels.shape}")
    if not set(labels.tolist()) <= {0, 1} or labels.dtype == bool:
        raise ValueError("labels: every label must be 0 or 1")
    if len(set(labels.tolist())) != 2:
        raise ValueError("labels: both labels 0 and 1 must occur")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    points = _unit(vectors) if direction is None else neutralize(vectors, direction)
    clusters = _two_means(points, seed)
    agree = float(np.mean(clusters == labels))
    return max(agree, 1.0 - agree)
