"""Label quality: finding the examples whose label is probably wrong (reference solution)."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

THRESHOLD_FRACTION = 0.5


def _check_int(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")


def _check_inputs(features, labels, n_folds, seed) -> None:
    if not isinstance(features, np.ndarray):
        raise TypeError(f"features must be a numpy.ndarray, got {type(features).__name__}")
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"labels must be a numpy.ndarray, got {type(labels).__name__}")
    if features.dtype == bool or not np.issubdtype(features.dtype, np.number):
        raise TypeError(f"features must be numeric, got dtype {features.dtype}")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class labels, got dtype {labels.dtype}")
    _check_int(n_folds, "n_folds")
    _check_int(seed, "seed")
    if features.ndim != 2:
        raise ValueError(f"features must be 2-D (n_examples, n_features), got shape {features.shape}")
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if len(features) != len(labels):
        raise ValueError(f"features has {len(features)} rows but labels has {len(labels)} entries")
    if not np.isfinite(features).all():
        raise ValueError("features must be finite (no NaN or inf)")
    if n_folds < 2:
        raise ValueError(f"n_folds must be at least 2, got {n_folds}")
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"labels must hold at least two classes, got {len(classes)}")
    if counts.min() < n_folds:
        rare = classes[counts.argmin()]
        raise ValueError(f"labels: class {rare!r} has {counts.min()} example(s); every class "
                         f"needs at least n_folds={n_folds}")


def out_of_fold_probabilities(features: np.ndarray, labels: np.ndarray, n_folds: int,
                              seed: int) -> np.ndarray:
    """``(n, n_classes)`` probabilities, each row from a model that did not see that row."""
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return cross_val_predict(LogisticRegression(max_iter=1000), features, labels, cv=folds,
                             method="predict_proba")


def find_label_issues(features: np.ndarray, labels: np.ndarray, *, n_folds: int = 5,
                      seed: int = 0) -> np.ndarray:
    _check_inputs(features, labels, n_folds, seed)
    probs = out_of_fold_probabilities(features, labels, n_folds, seed)
    # Column k of probs is the k-th class in sorted order; y holds that column per example.
    classes, y = np.unique(labels, return_inverse=True)
    self_confidence = probs[np.arange(len(y)), y]
    thresholds = np.array([self_confidence[y == k].mean() for k in range(len(classes))])
    flagged = self_confidence < THRESHOLD_FRACTION * thresholds[y]
    return np.flatnonzero(flagged).astype(np.int64)
