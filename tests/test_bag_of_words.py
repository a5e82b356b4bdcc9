"""Public tests for bag_of_words (run: pytest -m bag_of_words)."""

import numpy as np
import pytest

from kit.checks import expect_array, expect_equal, expect_raises, expect_str_list

COURSE_DOCS = [["cat", "chased", "mouse", "swiftly"], ["mouse", "chased", "cat"]]


@pytest.mark.points(1)
def test_course_vocabulary(impl):
    got = impl.build_vocabulary(COURSE_DOCS)
    expect_str_list(got, "build_vocabulary(course documents)")
    expect_equal(got, ["cat", "chased", "mouse", "swiftly"], "build_vocabulary(course documents)",
                 hint="the distinct tokens, sorted")


@pytest.mark.points(2)
def test_course_example(impl):
    got = impl.bag_of_words(COURSE_DOCS)
    expect_array(got, "bag_of_words(course documents)", shape=(2, 4), dtype=np.int64,
                 hint="one row per document, one int64 column per vocabulary word")
    expect_equal(got.tolist(), [[1, 1, 1, 1], [1, 1, 1, 0]], "bag_of_words(course documents)",
                 hint="the second sentence has no 'swiftly'")


@pytest.mark.points(1)
def test_given_vocabulary_counts_and_ignores_the_rest(impl):
    got = impl.bag_of_words([["a", "b", "a", "z"], ["c"]], vocabulary=["c", "a"])
    expect_array(got, "bag_of_words(..., vocabulary=['c', 'a'])", shape=(2, 2), dtype=np.int64)
    expect_equal(got.tolist(), [[0, 2], [1, 0]], "bag_of_words(..., vocabulary=['c', 'a'])",
                 hint="columns follow the vocabulary you are given; other tokens are ignored")


@pytest.mark.points(1)
def test_case_is_kept(impl):
    got = impl.bag_of_words([["Cat", "cat", "cat"]])
    expect_equal(got.tolist(), [[1, 2]], "bag_of_words([['Cat', 'cat', 'cat']])",
                 hint="no lower-casing: 'Cat' and 'cat' are two words (and 'Cat' sorts first)")


@pytest.mark.points(1)
def test_repeated_vocabulary_word_is_a_value_error(impl):
    with expect_raises(ValueError, "bag_of_words(docs, vocabulary=['cat', 'cat'])", arg="vocabulary"):
        impl.bag_of_words(COURSE_DOCS, vocabulary=["cat", "cat"])
