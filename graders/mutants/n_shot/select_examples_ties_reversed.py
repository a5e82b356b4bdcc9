"""np.argsort(similarity)[::-1]: most similar first, but ties go to the HIGHER index."""
import numpy as np

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import select_examples as _reference


def select_examples(query, pool, k):
    _reference(query, pool, k)  # same validation
    pool = np.asarray(pool, dtype=np.float64)
    query = np.asarray(query, dtype=np.float64)
    sims = (pool / np.linalg.norm(pool, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    return [int(i) for i in np.argsort(sims, kind="stable")[::-1][:k]]
