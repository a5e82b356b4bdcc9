"""Prototypes from the raw (unnormalised) support rows: long examples dominate the mean."""
import numpy as np

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import few_shot_classify as _reference


def few_shot_classify(x, support, support_labels):
    _reference(x, support, support_labels)  # same validation
    x, support = np.asarray(x, dtype=np.float64), np.asarray(support, dtype=np.float64)
    labels = np.asarray(support_labels)
    classes = np.unique(labels)
    protos = np.stack([support[labels == c].mean(axis=0) for c in classes])
    protos /= np.linalg.norm(protos, axis=1, keepdims=True)
    sims = (x / np.linalg.norm(x, axis=1, keepdims=True)) @ protos.T
    return classes[np.argmax(sims, axis=1)].astype(np.int64)
