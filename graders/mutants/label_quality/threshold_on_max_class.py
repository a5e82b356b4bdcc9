"""Tests the top predicted class's probability against that class's threshold instead of the given label's: flags uncertain examples."""
import numpy as np

from solutions.label_quality import *  # noqa: F401,F403
from solutions.label_quality import _check_inputs


def find_label_issues(features, labels, *, n_folds=5, seed=0):
    _check_inputs(features, labels, n_folds, seed)
    probs = out_of_fold_probabilities(features, labels, n_folds, seed)
    predicted = probs.argmax(axis=1)
    top = probs.max(axis=1)
    thresholds = np.array([top[predicted == k].mean() if np.any(predicted == k) else 0.0
                           for k in range(probs.shape[1])])
    return np.flatnonzero(top < 0.5 * thresholds[predicted]).astype(np.int64)
