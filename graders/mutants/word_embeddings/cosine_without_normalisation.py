"""Cosine without normalisation: returns the plain dot product a . b."""
import numpy as np

from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import _as_float_array


def cosine_similarity(a, b):
    a, b = _as_float_array(a, "a"), _as_float_array(b, "b")
    if a.ndim != b.ndim or a.ndim not in (1, 2) or a.shape[-1] != b.shape[-1]:
        raise ValueError("a and b must have matching shapes")
    if np.any(np.linalg.norm(a, axis=-1) == 0) or np.any(np.linalg.norm(b, axis=-1) == 0):
        raise ValueError("zero vector")
    sims = a @ b.T
    return float(sims) if a.ndim == 1 else sims
