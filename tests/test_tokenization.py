"""Public tests for tokenization (run: pytest -m tokenization)."""

import pytest

from kit.checks import expect_equal, expect_raises, expect_str_list

COURSE_SENTENCE = "Working with natural language processing techniques is tricky."


@pytest.mark.points(2)
def test_course_example(impl):
    tokens = impl.tokenize(COURSE_SENTENCE)
    expect_str_list(tokens, "tokenize(course sentence)")
    expect_equal(tokens, ["Working", "with", "natural", "language", "processing",
                          "techniques", "is", "tricky", "."], "tokenize(course sentence)",
                 hint="punctuation is a token of its own")


@pytest.mark.points(1)
def test_contractions_and_hyphens_stay_whole(impl):
    expect_equal(impl.tokenize("don't use state-of-the-art words"),
                 ["don't", "use", "state-of-the-art", "words"], "tokenize",
                 hint="an apostrophe or hyphen between letters stays inside the word")


@pytest.mark.points(1)
def test_unicode_letters_are_letters(impl):
    expect_equal(impl.tokenize("naïve café"), ["naïve", "café"], "tokenize('naïve café')",
                 hint="use a Unicode-aware character class, not [A-Za-z]")


@pytest.mark.points(1)
def test_non_string_is_a_type_error(impl):
    with expect_raises(TypeError, "tokenize(42)", arg="text"):
        impl.tokenize(42)


@pytest.mark.points(1)
def test_bigrams(impl):
    expect_equal(impl.ngrams(["I", "only", "follow"], 2),
                 [("I", "only"), ("only", "follow")], "ngrams(3 tokens, 2)")


@pytest.mark.points(1)
def test_order_matters_for_bigrams(impl):
    a = impl.ngrams(impl.tokenize("I only follow a healthy lifestyle"), 2)
    b = impl.ngrams(impl.tokenize("Only I follow a healthy lifestyle"), 2)
    assert a != b, "the two 'only' sentences should have different bigrams"


@pytest.mark.points(1)
def test_n_below_one_is_a_value_error(impl):
    with expect_raises(ValueError, "ngrams(tokens, 0)", arg="n"):
        impl.ngrams(["a", "b"], 0)
