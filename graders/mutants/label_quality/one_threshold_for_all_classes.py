"""Uses one threshold (the average self-confidence over all examples) for every class."""
import numpy as np

from solutions.label_quality import *  # noqa: F401,F403
from solutions.label_quality import _check_inputs


def find_label_issues(features, labels, *, n_folds=5, seed=0):
    _check_inputs(features, labels, n_folds, seed)
    probs = out_of_fold_probabilities(features, labels, n_folds, seed)
    classes, y = np.unique(labels, return_inverse=True)
    self_confidence = probs[np.arange(len(y)), y]
    return np.flatnonzero(self_confidence < 0.5 * self_confidence.mean()).astype(np.int64)
