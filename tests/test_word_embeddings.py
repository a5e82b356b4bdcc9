"""Public tests for word_embeddings (run: pytest -m word_embeddings)."""

import math

import numpy as np
import pytest

from kit.checks import expect_array, expect_close, expect_equal, expect_raises
from kit.datasets import toy_embeddings


@pytest.mark.points(1)
def test_cosine_of_vectors(impl):
    cat = [-0.9, 0.9, 0.9]
    expect_close(impl.cosine_similarity(cat, [-1.8, 1.8, 1.8]), 1.0, "cosine(cat, 2 * cat)",
                 hint="divide the dot product by both lengths: the length does not matter")
    expect_close(impl.cosine_similarity([1.0, 0.0], [1.0, 1.0]), 1 / math.sqrt(2), "cosine([1, 0], [1, 1])")


@pytest.mark.points(1)
def test_cosine_of_matrices(impl):
    a = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    b = np.array([[1.0, 0.0], [0.0, -1.0]])
    got = impl.cosine_similarity(a, b)
    expect_close(got, np.array([[1.0, 0.0], [0.0, -1.0], [1 / math.sqrt(2), -1 / math.sqrt(2)]]),
                 "cosine_similarity((3, 2), (2, 2))", hint="result[i, j] = cosine(a[i], b[j])")


@pytest.mark.points(1)
def test_zero_vector_is_a_value_error(impl):
    with expect_raises(ValueError, "cosine_similarity([0, 0], [1, 2])"):
        impl.cosine_similarity([0.0, 0.0], [1.0, 2.0])


@pytest.mark.points(1)
def test_error_message_names_the_argument(impl):
    with expect_raises(ValueError, "svd_embeddings((3, 2) matrix, dim=0)", arg="dim"):
        impl.svd_embeddings(np.ones((3, 2)), 0)


@pytest.mark.points(1)
def test_most_similar_to_cat(impl):
    got = impl.most_similar("cat", toy_embeddings("word_embeddings"), k=2)
    expect_equal([w for w, _ in got], ["tiger", "eagle"], "words of most_similar('cat', toy, k=2)",
                 hint="rank the other words by cosine, highest first; 'cat' itself is excluded")


@pytest.mark.points(2)
@pytest.mark.parametrize("c,expected", [("tiger", "deer"), ("eagle", "rabbit")])
def test_course_analogies(impl, c, expected):
    expect_equal(impl.analogy("cat", "mouse", c, toy_embeddings("word_embeddings")), expected,
                 f"analogy('cat', 'mouse', {c!r}, toy)",
                 hint="closest by cosine to b - a + c, excluding a, b and c")


@pytest.mark.points(1)
def test_cooccurrence_keeps_original_positions(impl):
    got = impl.cooccurrence_matrix([["the", "cat", "chased", "the", "mouse"]], ["cat", "chased", "mouse"], window=2)
    expect_array(got, "cooccurrence_matrix(...)", shape=(3, 3), dtype=np.int64)
    expect_equal(got.tolist(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]], "cooccurrence_matrix(...)",
                 hint="'cat' and 'mouse' are 3 positions apart: 'the' still takes its place")


@pytest.mark.points(1)
def test_ppmi_small(impl):
    got = impl.ppmi(np.array([[2, 0], [0, 2]]))
    expect_close(got, np.array([[math.log(2), 0.0], [0.0, math.log(2)]]), "ppmi([[2, 0], [0, 2]])",
                 hint="natural log of p(w, c) / (p(w) p(c)); 0 where the count is 0")


@pytest.mark.points(1)
def test_svd_embeddings_shape_and_scale(impl):
    m = np.diag([3.0, 2.0, 1.0])
    got = impl.svd_embeddings(m, 2)
    expect_array(got, "svd_embeddings(diag(3, 2, 1), 2)", shape=(3, 2), dtype=np.float64)
    expect_close(np.abs(got), np.array([[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]]),
                 "|svd_embeddings(diag(3, 2, 1), 2)|", hint="U[:, :dim] * S[:dim]: scale by the singular values")
