"""Reads probs[i, labels[i]]: takes label values for column numbers (wrong when labels are not 0..K-1)."""
import numpy as np

from solutions.label_quality import *  # noqa: F401,F403
from solutions.label_quality import _check_inputs


def find_label_issues(features, labels, *, n_folds=5, seed=0):
    _check_inputs(features, labels, n_folds, seed)
    probs = out_of_fold_probabilities(features, labels, n_folds, seed)
    self_confidence = probs[np.arange(len(labels)), labels]
    thresholds = {k: self_confidence[labels == k].mean() for k in np.unique(labels)}
    cut = np.array([0.5 * thresholds[k] for k in labels])
    return np.flatnonzero(self_confidence < cut).astype(np.int64)
