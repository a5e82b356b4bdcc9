"""Hidden graders for stop_words."""

import re
from importlib import resources

import pytest

from kit.checks import expect_equal, expect_raises, expect_str_list
from kit.remote import inspect_call


def _pinned_file():
    """(declared count, words) read from the kit's data file on the trusted side."""
    text = resources.files("kit").joinpath("data", "stop_words_en.txt").read_text(encoding="utf-8")
    count = int(re.search(r"(\d+) words", text).group(1))
    words = {line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")}
    return count, words


CASES = [
    # (tokens, stop_words, expected, label, hint)
    (["Working", "with", "natural", "language", "processing", "techniques", "is", "tricky", "."],
     None, ["Working", "natural", "language", "processing", "techniques", "tricky", "."],
     "the course sentence", "'with' and 'is' are stop words; punctuation is not"),
    (["The", "mouse", "chased", "the", "cat"], None, ["mouse", "chased", "cat"],
     "the second bag-of-words sentence", "'The' must match 'the'"),
    (["THE", "Cat", "IS", "With", "a", "DOG"], None, ["Cat", "DOG"], "upper and mixed case",
     "compare token.lower() with the stop words; keep the kept tokens' case"),
    (["cat", "the", "cat", "a", "dog", "cat", "dog"], None, ["cat", "cat", "dog", "cat", "dog"],
     "repeated words", "keep every occurrence, in order: a list, not a set"),
    ([".", ",", "the", "!", "?", "-", "'"], None, [".", ",", "!", "?", "-", "'"],
     "punctuation", "punctuation is not a stop word; do not filter non-letters"),
    (["zebra", "apple", "mango", "the", "banana"], None, ["zebra", "apple", "mango", "banana"],
     "order", "keep the original order (no sorting, no set)"),
    (["don't", "stop", "42", "café"], None, ["don't", "stop", "42", "café"], "no stop words",
     "nothing to remove: the same tokens back"),
    ([], None, [], "no tokens", None),
    (["the", "cat", "sat", "on", "the", "mat"], ["cat", "mat"], ["the", "sat", "on", "the"],
     "a custom list replaces the default", "a custom list is used instead of ENGLISH_STOP_WORDS, not added to it"),
    (["the", "Cat", "CAT", "sat"], ["cAt"], ["the", "sat"], "custom list, case-insensitive",
     "lower-case the custom stop words too"),
    (["the", "cat", "!"], ("!",), ["the", "cat"], "custom list as a tuple holding punctuation",
     "a custom list is used exactly as given"),
    (["a", "cat", "sat"], frozenset({"sat"}), ["a", "cat"], "custom list as a frozenset",
     "any iterable of str"),
    (["the", "cat"], [], ["the", "cat"], "an empty custom list", "an empty list removes nothing (it is not None)"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,stop_words,expected,label,hint", CASES, ids=[c[3] for c in CASES])
def test_remove_stop_words_cases(impl, tokens, stop_words, expected, label, hint):
    what = f"remove_stop_words({tokens!r}, stop_words={stop_words!r}) [{label}]"
    got = impl.remove_stop_words(list(tokens), stop_words)
    expect_str_list(got, what)
    expect_equal(got, expected, what, hint=hint)


@pytest.mark.points(1)
def test_pinned_list_is_complete_and_documented(impl):
    count, words = _pinned_file()
    theirs = impl.ENGLISH_STOP_WORDS
    assert isinstance(theirs, frozenset) and theirs == words, \
        "ENGLISH_STOP_WORDS should be the kit's pinned list, unchanged"
    assert len(words) == count, "the data file's header count does not match its words"
    assert {"with", "is", "the", "a", "of", "and"} <= words and all(w == w.lower() for w in words)
    everything = sorted(words)
    expect_equal(impl.remove_stop_words(everything), [], "remove_stop_words(every stop word)")
    expect_equal(impl.remove_stop_words([w.upper() for w in everything]), [],
                 "remove_stop_words(every stop word in upper case)", hint="the match is case-insensitive")
    assert everything == sorted(words), "remove_stop_words changed the list it was given"


@pytest.mark.points(1)
def test_content_words_are_kept(impl):
    words = ["cat", "chased", "mouse", "swiftly", "language", "computer", "fire", "system", "three"]
    expect_equal(impl.remove_stop_words(list(words)), words, "remove_stop_words(content words)",
                 hint="only the kit's list counts as stop words")


@pytest.mark.points(1)
def test_none_means_the_default_list(impl):
    tokens = ["It", "is", "a", "cat", "with", "whiskers"]
    expect_equal(impl.remove_stop_words(list(tokens), None), ["cat", "whiskers"],
                 "remove_stop_words(tokens, None)", hint="None means ENGLISH_STOP_WORDS")


@pytest.mark.points(1)
def test_input_is_left_unchanged(impl):
    tokens = ["The", "cat", "is", "here", "."]
    _, changed = inspect_call(impl.remove_stop_words, tokens)
    assert not changed, "remove_stop_words changed the list it was given; build a new list"


BAD = [
    ("the cat sat", None, "tokens is a str"),
    (("the", "cat"), None, "tokens is a tuple"),
    (["the", 3], None, "a token is an int"),
    (["the", "cat"], "the", "stop_words is a single str"),
    (["the", "cat"], 42, "stop_words is an int"),
    (["the", "cat"], ["the", None], "stop_words holds None"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,stop_words,label", BAD, ids=[b[2] for b in BAD])
def test_bad_arguments_are_type_errors(impl, tokens, stop_words, label):
    with expect_raises(TypeError, f"remove_stop_words({tokens!r}, {stop_words!r}) [{label}]",
                       arg="tokens" if "token" in label else "stop_words"):
        impl.remove_stop_words(tokens, stop_words)
