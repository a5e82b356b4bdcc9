"""Public tests for stop_words (run: pytest -m stop_words)."""

import pytest

from kit.checks import expect_equal, expect_raises, expect_str_list

COURSE_TOKENS = ["Working", "with", "natural", "language", "processing", "techniques", "is",
                 "tricky", "."]


@pytest.mark.points(2)
def test_course_example(impl):
    got = impl.remove_stop_words(list(COURSE_TOKENS))
    expect_str_list(got, "remove_stop_words(course tokens)")
    expect_equal(got, ["Working", "natural", "language", "processing", "techniques", "tricky", "."],
                 "remove_stop_words(course tokens)",
                 hint="'with' and 'is' are stop words; punctuation is not")


@pytest.mark.points(1)
def test_bag_of_words_sentence(impl):
    got = impl.remove_stop_words(["The", "cat", "chased", "the", "mouse", "swiftly"])
    expect_equal(got, ["cat", "chased", "mouse", "swiftly"], "remove_stop_words(cat sentence)",
                 hint="the match is case-insensitive: 'The' is 'the'")


@pytest.mark.points(1)
def test_order_case_and_duplicates_are_kept(impl):
    got = impl.remove_stop_words(["Cat", "and", "cat", "and", "CAT"])
    expect_equal(got, ["Cat", "cat", "CAT"], "remove_stop_words(['Cat', 'and', 'cat', 'and', 'CAT'])",
                 hint="return a list of the kept tokens as they are -- not a set, not lower-cased")


@pytest.mark.points(1)
def test_custom_stop_words_replace_the_default(impl):
    got = impl.remove_stop_words(["the", "cat", "sat"], stop_words=["Cat"])
    expect_equal(got, ["the", "sat"], "remove_stop_words(['the', 'cat', 'sat'], stop_words=['Cat'])",
                 hint="a custom list replaces ENGLISH_STOP_WORDS, and is compared in lower case too")


@pytest.mark.points(1)
def test_the_pinned_list(impl):
    words = impl.ENGLISH_STOP_WORDS
    assert isinstance(words, frozenset) and {"with", "is", "the"} <= words, \
        "ENGLISH_STOP_WORDS should be the kit's frozenset (do not change it)"
    expect_equal(impl.remove_stop_words(sorted(words)), [], "remove_stop_words(all stop words)")


@pytest.mark.points(1)
def test_a_single_string_is_a_type_error(impl):
    with expect_raises(TypeError, "remove_stop_words(tokens, stop_words='the')", arg="stop_words"):
        impl.remove_stop_words(["the", "cat"], stop_words="the")
