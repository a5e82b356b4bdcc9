"""Plain PMI: negative values are kept instead of clipped to 0."""
import numpy as np

from solutions.word_embeddings import *  # noqa: F401,F403
from solutions.word_embeddings import ppmi as _reference


def ppmi(counts):
    _reference(counts)  # validation only
    counts = np.asarray(counts, dtype=np.float64)
    p_wc = counts / counts.sum()
    expected = p_wc.sum(axis=1, keepdims=True) * p_wc.sum(axis=0, keepdims=True)
    result = np.zeros_like(p_wc)
    seen = counts > 0
    result[seen] = np.log(p_wc[seen] / expected[seen])
    return result
