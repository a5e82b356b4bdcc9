"""Hidden graders for label_quality."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from kit.checks import expect_array, expect_raises
from kit.datasets import flipped_news
from kit.remote import inspect_call

# kit.datasets.flipped_news is public and returns the flipped indices, so a submission could
# regenerate a data set drawn from a small seed and read the answer off it. Wherever the
# flipped indices are the answer, the data comes from a seed HIDDEN + k that no search
# reaches (graders/selftests/test_kit_gives_no_answers.py tries the first 100,000 seeds).
HIDDEN = 0x9E3779B97F4A7C15


def uneven_classes(seed=0):
    """Four classes of different difficulty (class 3 overlaps class 2), labels 3, 7, 11, 20,
    8 % flipped. Returns (features, labels)."""
    rng = np.random.default_rng(seed)
    means = np.zeros((4, 6))
    means[0, 0], means[1, 1], means[2, 2] = 5.0, 4.0, 3.0
    means[3, 2], means[3, 3] = 1.5, 1.5
    true = np.repeat(np.arange(4), [120, 90, 150, 60])
    features = means[true] + rng.normal(size=(len(true), 6))
    flipped = rng.choice(len(true), 34, replace=False)
    given = true.copy()
    given[flipped] = (true[flipped] + rng.integers(1, 4, len(flipped))) % 4
    return features, np.array([3, 7, 11, 20])[given]


def recipe(features, labels, n_folds=5, seed=0):
    """The documented recipe, computed here with scikit-learn."""
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    probs = cross_val_predict(LogisticRegression(max_iter=1000), features, labels, cv=folds,
                              method="predict_proba")
    classes, y = np.unique(labels, return_inverse=True)
    self_confidence = probs[np.arange(len(y)), y]
    thresholds = np.array([self_confidence[y == k].mean() for k in range(len(classes))])
    return np.flatnonzero(self_confidence < 0.5 * thresholds[y]).astype(np.int64)


def precision_recall(found, flipped):
    hits = len(np.intersect1d(found, flipped))
    return hits / max(len(found), 1), hits / len(flipped)


# --------------------------------------------------------------------------- finding flipped labels


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,n_folds", [(1, 5), (2, 10), (7, 3)], ids=["seed1-5folds",
                                                                         "seed2-10folds",
                                                                         "seed7-3folds"])
def test_finds_flipped_labels(impl, seed, n_folds):
    # Over seeds HIDDEN + 0..9 with 3, 5 and 10 folds the reference's worst precision is 0.93
    # and worst recall 0.97 on this data; fixed seeds, so deterministic.
    features, labels, flipped = flipped_news(seed=HIDDEN + seed)
    found = impl.find_label_issues(features, labels, n_folds=n_folds, seed=seed)
    expect_array(found, "find_label_issues(flipped news)", dtype=np.int64)
    precision, recall = precision_recall(found, flipped)
    assert precision >= 0.8 and recall >= 0.8, (
        f"precision {precision:.2f}, recall {recall:.2f} against the flipped labels (both should "
        "be >= 0.8) -- are the probabilities out-of-fold, and is each example compared with the "
        "threshold of its *given* label's class?")


@pytest.mark.points(2)
def test_out_of_fold_when_a_model_could_memorise(impl):
    # 100 features for 180 examples: a model that saw an example fits even a wrong label,
    # so in-sample probabilities vouch for every label and nothing is flagged. Out of fold,
    # the reference finds all 18 flipped labels (over seeds HIDDEN + 0..9: 16 to 18).
    features, labels, flipped = flipped_news(seed=HIDDEN + 2, n_per_class=60, n_features=100,
                                             separation=6.0)
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(100 features, 180 examples)", dtype=np.int64)
    _, recall = precision_recall(found, flipped)
    assert recall >= 0.8, (
        f"found only {recall:.0%} of the flipped labels when the model has many features -- the "
        "probabilities must come from a model that never saw the example (cross_val_predict), "
        "not from one fitted on all the data")


@pytest.mark.points(1)
def test_clean_labels_flag_little(impl):
    # The reference flags 1 here (over seeds HIDDEN + 0..9: 1 to 13).
    features, labels, _ = flipped_news(seed=HIDDEN + 1, flip=0.0)
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(clean labels)", dtype=np.int64)
    assert len(found) <= 9, (
        f"{len(found)} of 900 correctly labelled examples flagged (at most 1 % expected) -- flag "
        "only examples whose given label is far below its class's average self-confidence")


# --------------------------------------------------------------------------- the documented recipe


def _expect_same_indices(found, expected, what, hint):
    __tracebackhide__ = True
    expect_array(found, what, dtype=np.int64, hint="return np.flatnonzero(mask).astype(np.int64)")
    assert found.ndim == 1, f"{what}: should be 1-D, got shape {found.shape}"
    missing = np.setdiff1d(expected, found)
    extra = np.setdiff1d(found, expected)
    assert len(missing) == 0 and len(extra) == 0 and np.array_equal(found, expected), (
        f"{what}: {len(extra)} index(es) flagged that the documented rule does not flag, "
        f"{len(missing)} it flags missing" + ("" if len(missing) or len(extra) else
                                              ", order or repeats differ") + f"\n  hint: {hint}")


@pytest.mark.points(2)
def test_matches_the_recipe_uneven_classes(impl):
    features, labels = uneven_classes()
    _expect_same_indices(impl.find_label_issues(features, labels), recipe(features, labels),
                         "find_label_issues(4 classes of different difficulty, labels 3/7/11/20)",
                         "one threshold per class (the average self-confidence of the examples "
                         "labelled with it); probabilities' columns are the classes in sorted "
                         "order, not the label values")


@pytest.mark.points(2)
def test_matches_the_recipe_other_folds_and_seed(impl):
    features, labels = uneven_classes(seed=1)
    _expect_same_indices(impl.find_label_issues(features, labels, n_folds=4, seed=5),
                         recipe(features, labels, n_folds=4, seed=5),
                         "find_label_issues(..., n_folds=4, seed=5)",
                         "StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)")


@pytest.mark.points(1)
def test_same_seed_same_answer(impl):
    features, labels = uneven_classes(seed=2)
    first = impl.find_label_issues(features, labels, seed=3)
    second = impl.find_label_issues(features, labels, seed=3)
    expect_array(first, "find_label_issues(seed=3)", dtype=np.int64)
    assert np.array_equal(first, second), \
        "two calls with the same seed gave different answers -- use random_state=seed"


# --------------------------------------------------------------------------- what comes back


@pytest.mark.points(1)
def test_indices_sorted_unique_in_range(impl):
    features, labels, _ = flipped_news(seed=6)
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(...)", dtype=np.int64,
                 hint="indices, not a boolean mask: np.flatnonzero(mask).astype(np.int64)")
    assert found.ndim == 1, f"should be 1-D, got shape {found.shape}"
    assert len(found) > 0 and found.min() >= 0 and found.max() < len(labels), \
        "indices should be positions 0 <= i < n of flagged examples"
    assert np.all(np.diff(found) > 0), (
        "indices should be in increasing order, each once -- not ranked by how suspicious "
        "they are")


@pytest.mark.points(1)
def test_nothing_flagged_is_an_empty_int64_array(impl):
    # Far-apart clusters and correct labels: every self-confidence is close to 1.
    rng = np.random.default_rng(0)
    features = np.concatenate([rng.normal(0, 1, (30, 2)), rng.normal(30, 1, (30, 2))])
    labels = np.repeat([0, 1], 30)
    found = impl.find_label_issues(features, labels)
    expect_array(found, "find_label_issues(nothing to flag)", shape=(0,), dtype=np.int64,
                 hint="np.array([]) is float64; np.flatnonzero(mask).astype(np.int64) is not")


@pytest.mark.points(1)
def test_inputs_left_alone(impl):
    features, labels, _ = flipped_news(seed=8, n_per_class=50)
    _, changed = inspect_call(impl.find_label_issues, features, labels)
    assert not changed, "find_label_issues changed its inputs (features or labels)"


# --------------------------------------------------------------------------- errors


def _small():
    features, labels, _ = flipped_news(seed=9, n_per_class=12)
    return features, labels


BAD = [
    ("features-list", lambda f, l: (f.tolist(), l), {}, TypeError, "features"),
    ("labels-list", lambda f, l: (f, l.tolist()), {}, TypeError, "labels"),
    ("features-bool", lambda f, l: (f > 0, l), {}, TypeError, "features"),
    ("labels-float", lambda f, l: (f, l.astype(float)), {}, TypeError, "labels"),
    ("n_folds-float", lambda f, l: (f, l), {"n_folds": 3.0}, TypeError, "n_folds"),
    ("seed-str", lambda f, l: (f, l), {"seed": "0"}, TypeError, "seed"),
    ("features-1d", lambda f, l: (f[:, 0], l), {}, ValueError, "features"),
    ("labels-2d", lambda f, l: (f, l[:, None]), {}, ValueError, "labels"),
    ("length-mismatch", lambda f, l: (f[:-1], l), {}, ValueError, ("labels", "features")),
    ("features-nan", lambda f, l: (np.where(np.arange(f.size).reshape(f.shape) == 5, np.nan, f), l),
     {}, ValueError, "features"),
    ("n_folds-1", lambda f, l: (f, l), {"n_folds": 1}, ValueError, "n_folds"),
    ("one-class", lambda f, l: (f, np.zeros_like(l)), {}, ValueError, "labels"),
    ("class-smaller-than-folds", lambda f, l: (f, l), {"n_folds": 13}, ValueError,
     ("n_folds", "labels")),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,make,kwargs,exc,arg", BAD, ids=[b[0] for b in BAD])
def test_bad_input(impl, name, make, kwargs, exc, arg):
    features, labels = make(*_small())
    with expect_raises(exc, f"find_label_issues [{name}]", arg=arg):
        impl.find_label_issues(features, labels, **kwargs)
