"""Public tests for label_quality (run: pytest -m label_quality)."""

import numpy as np
import pytest

from kit.checks import expect_array, expect_equal, expect_raises
from kit.datasets import flipped_news


@pytest.mark.points(3)
def test_finds_the_flipped_labels(impl):
    features, labels, flipped = flipped_news()
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(flipped news)", dtype=np.int64)
    hits = len(np.intersect1d(found, flipped))
    precision = hits / max(len(found), 1)
    recall = hits / len(flipped)
    # The reference flags 97 examples: all 90 flipped ones and 7 clean ones (P 0.93, R 1.0).
    assert precision >= 0.8 and recall >= 0.8, (
        f"flagged {len(found)} examples, {hits} of them among the {len(flipped)} flipped: "
        f"precision {precision:.2f}, recall {recall:.2f} (both should be >= 0.8) -- are the "
        "probabilities out-of-fold, and is each example compared with the threshold of its "
        "*given* label's class?")


@pytest.mark.points(2)
def test_one_obvious_mistake(impl):
    # Two tight clusters far apart; example 7 sits in cluster 0 but is labelled 1.
    rng = np.random.default_rng(1)
    features = np.concatenate([rng.normal(0.0, 1.0, (20, 2)), rng.normal(10.0, 1.0, (20, 2))])
    labels = np.repeat([0, 1], 20)
    labels[7] = 1
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(two clusters, one wrong label)", dtype=np.int64)
    expect_equal(found.tolist(), [7], "find_label_issues(two clusters, one wrong label)",
                 hint="only the example whose given label the model contradicts should be flagged")


@pytest.mark.points(1)
def test_indices_are_sorted_int64(impl):
    features, labels, _ = flipped_news(seed=3, n_per_class=60)
    found = impl.find_label_issues(features, labels, n_folds=3, seed=1)
    expect_array(found, "find_label_issues(...)", dtype=np.int64,
                 hint="return np.flatnonzero(mask).astype(np.int64)")
    assert found.ndim == 1 and np.all(np.diff(found) > 0), \
        "the indices should be in increasing order, each once"


@pytest.mark.points(1)
def test_n_folds_below_two_is_a_value_error(impl):
    features, labels, _ = flipped_news(n_per_class=20)
    with expect_raises(ValueError, "find_label_issues(..., n_folds=1)", arg="n_folds"):
        impl.find_label_issues(features, labels, n_folds=1)
