"""Uses in-sample probabilities (one model fitted on all the data) instead of out-of-fold ones."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from solutions.label_quality import *  # noqa: F401,F403
from solutions.label_quality import _check_inputs


def find_label_issues(features, labels, *, n_folds=5, seed=0):
    _check_inputs(features, labels, n_folds, seed)
    probs = LogisticRegression(max_iter=1000).fit(features, labels).predict_proba(features)
    classes, y = np.unique(labels, return_inverse=True)
    self_confidence = probs[np.arange(len(y)), y]
    thresholds = np.array([self_confidence[y == k].mean() for k in range(len(classes))])
    return np.flatnonzero(self_confidence < 0.5 * thresholds[y]).astype(np.int64)
