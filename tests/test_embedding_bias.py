"""Public tests for embedding_bias (run: pytest -m embedding_bias)."""

import math

import numpy as np
import pytest

from kit.checks import expect_array, expect_close, expect_raises, expect_type
from kit.datasets import toy_embeddings

X = ["nurse", "receptionist", "homemaker", "librarian"]
Y = ["engineer", "programmer", "carpenter", "mechanic"]
A = ["she", "woman", "girl", "mother"]
B = ["he", "man", "boy", "father"]
PAIRS = [("she", "he"), ("woman", "man"), ("girl", "boy"), ("mother", "father"), ("queen", "king")]


@pytest.mark.points(2)
def test_effect_size_on_hand_made_vectors(impl):
    # Cosines with a = [1, 0] and b = [0, 1]: s(x1) = 1, s(x2) = (3 - 1) / sqrt(10), s(y) = -1.
    embed = {"a": [1.0, 0.0], "b": [0.0, 1.0], "x1": [2.0, 0.0], "x2": [3.0, 1.0], "y": [0.0, 5.0]}
    s = np.array([1.0, 2 / math.sqrt(10), -1.0])
    expected = (s[:2].mean() - s[2]) / s.std()
    got = impl.weat_effect_size(["x1", "x2"], ["y"], ["a"], ["b"], embed)
    expect_type(got, float, "weat_effect_size(...)")
    expect_close(got, expected, "weat_effect_size(['x1', 'x2'], ['y'], ['a'], ['b'], hand-made)",
                 hint="cosine (not dot product) similarities; divide the difference of means by the population "
                      "std (ddof=0) of s over X and Y together")


@pytest.mark.points(1)
def test_effect_size_on_the_toy_embeddings(impl):
    expect_close(impl.weat_effect_size(X, Y, A, B, toy_embeddings("embedding_bias")), 1.9818843561421038,
                 "weat_effect_size(toy occupations, female/male words)")
    expect_close(impl.weat_effect_size(Y, X, A, B, toy_embeddings("embedding_bias")), -1.9818843561421038,
                 "weat_effect_size with X and Y swapped", hint="swapping the targets flips the sign")


@pytest.mark.points(2)
def test_exact_p_value_counts_the_observed_split(impl):
    # 70 splits of 8 words into 4 + 4; only the observed one is at least as large.
    expect_close(impl.weat_p_value(X, Y, A, B, toy_embeddings("embedding_bias"), permutations=100), 1 / 70,
                 "weat_p_value(toy, permutations=100): exact, C(8, 4) = 70 splits",
                 hint="enumerate every split once, the observed one included: count / 70")
    expect_close(impl.weat_p_value(Y, X, A, B, toy_embeddings("embedding_bias"), permutations=100), 1.0,
                 "weat_p_value with X and Y swapped",
                 hint="one-sided: every split is at least as large as the smallest one")


@pytest.mark.points(1)
def test_random_p_value_is_seeded_and_never_zero(impl):
    toy = toy_embeddings("embedding_bias")
    p = impl.weat_p_value(X, Y, A, B, toy, permutations=20, seed=3)
    expect_type(p, float, "weat_p_value(...)")
    assert 1 / 21 <= p <= 1, f"weat_p_value(permutations=20) = {p}: should be (count + 1) / 21"
    assert p == impl.weat_p_value(X, Y, A, B, toy, permutations=20, seed=3), "the same seed must give the same p"


@pytest.mark.points(2)
def test_bias_direction_of_the_toy_pairs(impl):
    g = impl.bias_direction(PAIRS, toy_embeddings("embedding_bias"))
    expect_array(g, "bias_direction(toy pairs)", shape=(5,), dtype=np.float64)
    expect_close(float(np.linalg.norm(g)), 1.0, "|bias_direction(...)|", hint="return a unit vector")
    assert g[0] > 0.95, (f"bias_direction(toy pairs) = {np.round(g, 3)}: should point mostly along 'female' "
                         "(from the second words to the first) -- PCA of the pair differences, not of the words")


@pytest.mark.points(1)
def test_neutralize(impl):
    got = impl.neutralize(np.array([[3.0, 4.0], [1.0, -1.0]]), np.array([2.0, 0.0]))
    expect_close(got, np.array([[0.0, 1.0], [0.0, -1.0]]), "neutralize([[3, 4], [1, -1]], direction [2, 0])",
                 hint="remove the component along the unit direction, then scale each row back to length 1")


@pytest.mark.points(1)
def test_cluster_leakage_on_the_toy_embeddings(impl):
    toy = toy_embeddings("embedding_bias")
    g = impl.bias_direction(PAIRS, toy)
    expect_close(impl.cluster_leakage(X + Y, toy, [1, 1, 1, 1, 0, 0, 0, 0], direction=g), 1.0,
                 "cluster_leakage(toy occupations, neutralised)",
                 hint="'caring' and 'technical' still split the occupations after neutralising")
    expect_close(impl.cluster_leakage(X + Y, toy, [0, 0, 0, 0, 1, 1, 1, 1], direction=g), 1.0,
                 "cluster_leakage with the labels flipped", hint="cluster numbers are arbitrary: max(agree, 1 - agree)")


@pytest.mark.points(1)
def test_errors_name_the_argument(impl):
    toy = toy_embeddings("embedding_bias")
    with expect_raises(ValueError, "weat_effect_size with an empty X", arg="X"):
        impl.weat_effect_size([], Y, A, B, toy)
    with expect_raises(KeyError, "weat_effect_size with an unknown word in A", match="unicorn"):
        impl.weat_effect_size(X, Y, A + ["unicorn"], B, toy)
    with expect_raises(ValueError, "weat_p_value(permutations=0)", arg="permutations"):
        impl.weat_p_value(X, Y, A, B, toy, permutations=0)
