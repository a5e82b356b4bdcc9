"""Word embeddings (reference solution)."""

from __future__ import annotations

import numpy as np

from kit.datasets import toy_embeddings

FEATURES: tuple[str, ...] = ("plant", "furry", "carnivore")


def load_toy_embeddings() -> dict[str, np.ndarray]:
    return toy_embeddings("word_embeddings")


TOY_EMBEDDINGS: dict[str, np.ndarray] = load_toy_embeddings()


def _as_float_array(x, name: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers") from None


def _unit_rows(x: np.ndarray, name: str) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{name} contains a zero vector: its cosine similarity is undefined")
    return x / norms


# --------------------------------------------------------------------------- similarity


def cosine_similarity(a, b) -> float | np.ndarray:
    a, b = _as_float_array(a, "a"), _as_float_array(b, "b")
    if a.ndim != b.ndim or a.ndim not in (1, 2):
        raise ValueError(f"a and b must both be vectors (d,) or both matrices (n, d), (m, d); "
                         f"got shapes {a.shape} and {b.shape}")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a and b must have the same length d, got {a.shape[-1]} and {b.shape[-1]}")
    sims = np.clip(_unit_rows(a, "a") @ _unit_rows(b, "b").T, -1.0, 1.0)
    return float(sims) if a.ndim == 1 else sims


def _matrix_of(embeddings: dict) -> tuple[list[str], np.ndarray]:
    if not isinstance(embeddings, dict):
        raise TypeError(f"embeddings must be a dict {{word: vector}}, got {type(embeddings).__name__}")
    words = list(embeddings)
    vectors = [_as_float_array(embeddings[w], f"embeddings[{w!r}]") for w in words]
    if any(v.ndim != 1 or v.shape != vectors[0].shape for v in vectors):
        raise ValueError("embeddings must all be 1-D vectors of the same length")
    return words, np.stack(vectors) if vectors else np.zeros((0, 0))


def _best(target: np.ndarray, words: list[str], matrix: np.ndarray, exclude: set[str]) -> list[tuple[str, float]]:
    """(word, cosine with target) for every word not excluded, highest first, ties alphabetical."""
    sims = cosine_similarity(target[None, :], matrix)[0]
    ranked = [(w, float(s)) for w, s in zip(words, sims) if w not in exclude]
    return sorted(ranked, key=lambda pair: (-pair[1], pair[0]))


def most_similar(word: str, embeddings: dict[str, np.ndarray], k: int = 5) -> list[tuple[str, float]]:
    words, matrix = _matrix_of(embeddings)
    if word not in embeddings:
        raise KeyError(f"word {word!r} is not in the embeddings")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return _best(matrix[words.index(word)], words, matrix, exclude={word})[:k]


def analogy(a: str, b: str, c: str, embeddings: dict[str, np.ndarray]) -> str:
    words, matrix = _matrix_of(embeddings)
    for name, w in (("a", a), ("b", b), ("c", c)):
        if w not in embeddings:
            raise KeyError(f"{name}={w!r} is not in the embeddings")
    if not set(words) - {a, b, c}:
        raise ValueError("no word is left to answer with once a, b and c are excluded")
    target = matrix[words.index(b)] - matrix[words.index(a)] + matrix[words.index(c)]
    if not np.any(target):
        raise ValueError("b - a + c is a zero vector: no direction to compare with")
    return _best(target, words, matrix, exclude={a, b, c})[0][0]


# --------------------------------------------------------------------------- embeddings from counts


def cooccurrence_matrix(documents: list[list[str]], vocabulary: list[str], window: int = 2) -> np.ndarray:
    if not isinstance(documents, list) or not all(
            isinstance(doc, list) and all(isinstance(t, str) for t in doc) for doc in documents):
        raise TypeError("documents must be a list of lists of str tokens")
    if not isinstance(vocabulary, list) or not all(isinstance(w, str) for w in vocabulary):
        raise TypeError("vocabulary must be a list of str")
    if isinstance(window, bool) or not isinstance(window, int):
        raise TypeError(f"window must be an int, got {type(window).__name__}")
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    index = {w: i for i, w in enumerate(vocabulary)}
    if len(index) != len(vocabulary):
        raise ValueError("vocabulary must not contain the same word twice")
    counts = np.zeros((len(vocabulary), len(vocabulary)), dtype=np.int64)
    for doc in documents:
        for p, word in enumerate(doc):              # positions in the original document
            if word not in index:
                continue
            for q in range(p + 1, min(p + window + 1, len(doc))):
                if doc[q] in index:
                    i, j = index[word], index[doc[q]]
                    counts[i, j] += 1                # (p, q) ...
                    counts[j, i] += 1                # ... and (q, p)
    return counts


def ppmi(counts) -> np.ndarray:
    counts = _as_float_array(counts, "counts")
    if counts.ndim != 2:
        raise ValueError(f"counts must be a 2-D matrix, got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("counts must be finite and non-negative")
    total = counts.sum()
    if total == 0:
        raise ValueError("counts must not be all zeros")
    p_wc = counts / total
    p_w = p_wc.sum(axis=1, keepdims=True)
    p_c = p_wc.sum(axis=0, keepdims=True)
    result = np.zeros_like(p_wc)
    seen = counts > 0                                # then p(w) and p(c) are > 0 too
    result[seen] = np.log(p_wc[seen] / (p_w * p_c)[seen])
    return np.maximum(result, 0.0)


def svd_embeddings(matrix, dim: int) -> np.ndarray:
    matrix = _as_float_array(matrix, "matrix")
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got shape {matrix.shape}")
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not 1 <= dim <= min(matrix.shape):
        raise ValueError(f"dim must be between 1 and {min(matrix.shape)}, got {dim}")
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    return u[:, :dim] * s[:dim]
