"""Zero-shot by raw dot product instead of cosine: the longest description vector wins."""
import numpy as np

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import zero_shot_classify as _reference


def zero_shot_classify(x, label_descriptions):
    _reference(x, label_descriptions)  # same validation
    scores = np.asarray(x, dtype=np.float64) @ np.asarray(label_descriptions, dtype=np.float64).T
    return np.argmax(scores, axis=1).astype(np.int64)
