"""Ranks pool rows by the raw dot product: long vectors win whatever their direction."""
import numpy as np

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import select_examples as _reference


def select_examples(query, pool, k):
    _reference(query, pool, k)  # same validation
    scores = np.asarray(pool, dtype=np.float64) @ np.asarray(query, dtype=np.float64)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]
