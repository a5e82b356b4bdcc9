"""Returns the argmax position of predict_proba (0..C-1) instead of the label values."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import multi_shot_classify as _reference


def multi_shot_classify(x, train_x, train_y, seed=0):
    _reference(x, train_x, train_y, seed)  # same validation
    classifier = LogisticRegression(max_iter=1000, random_state=seed).fit(train_x, train_y)
    return np.argmax(classifier.predict_proba(x), axis=1).astype(np.int64)
