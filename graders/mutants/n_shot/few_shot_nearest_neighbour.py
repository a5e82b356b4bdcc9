"""Nearest single support example (1-NN) instead of the nearest class prototype."""
import numpy as np

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import few_shot_classify as _reference


def few_shot_classify(x, support, support_labels):
    _reference(x, support, support_labels)  # same validation
    x, support = np.asarray(x, dtype=np.float64), np.asarray(support, dtype=np.float64)
    sims = (x / np.linalg.norm(x, axis=1, keepdims=True)) @ \
        (support / np.linalg.norm(support, axis=1, keepdims=True)).T
    return np.asarray(support_labels)[np.argmax(sims, axis=1)].astype(np.int64)
