"""Hidden graders for bag_of_words."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from kit.checks import expect_array, expect_equal, expect_raises, expect_str_list
from kit.remote import inspect_call

COURSE_DOCS = [["cat", "chased", "mouse", "swiftly"], ["mouse", "chased", "cat"]]
POOL = ["cat", "Cat", "CAT", "dog", "mouse", "chased", "swiftly", ".", ",", "!", "don't",
        "state-of-the-art", "café", "Zürich", "42", "a", "the", "The", "zebra", "apple", "Apple",
        "b", "B", "_x", "ß", "Ω"]


def _random_corpus(seed):
    rng = np.random.default_rng(seed)
    n_docs = int(rng.integers(1, 9))
    return [[POOL[k] for k in rng.integers(0, len(POOL), size=int(rng.integers(0, 15)))]
            for _ in range(n_docs)]


def _sklearn_counts(documents, vocabulary=None):
    # analyzer=callable: the tokens are used as given (lowercase=False only silences a warning)
    vectorizer = CountVectorizer(analyzer=lambda doc: doc, vocabulary=vocabulary, lowercase=False)
    matrix = vectorizer.fit_transform(documents).toarray()
    return list(vectorizer.get_feature_names_out()), matrix


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_countvectorizer(impl, seed):
    docs = _random_corpus(seed)
    if not any(docs):
        docs[0] = ["cat"]  # CountVectorizer refuses an empty vocabulary
    vocab, expected = _sklearn_counts(docs)
    got_vocab = impl.build_vocabulary(docs)
    expect_str_list(got_vocab, f"build_vocabulary(random corpus {seed})")
    expect_equal(got_vocab, vocab, f"build_vocabulary(random corpus {seed})",
                 hint="sorted(set(...)) of the tokens exactly as given (case kept)")
    got = impl.bag_of_words(docs)
    expect_array(got, f"bag_of_words(random corpus {seed})", shape=expected.shape, dtype=np.int64)
    assert np.array_equal(got, expected), (
        f"bag_of_words(random corpus {seed}) differs from CountVectorizer(analyzer=lambda d: d) "
        f"in {int((got != expected).sum())} cell(s) -- count every occurrence, case kept, columns "
        "in sorted-vocabulary order")


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_countvectorizer_given_a_vocabulary(impl, seed):
    rng = np.random.default_rng(100 + seed)
    docs = _random_corpus(100 + seed)
    vocabulary = [POOL[k] for k in rng.permutation(len(POOL))[: int(rng.integers(1, len(POOL)))]]
    vocabulary += ["never-seen"]
    _, expected = _sklearn_counts(docs, vocabulary)
    got = impl.bag_of_words(docs, vocabulary=list(vocabulary))
    expect_array(got, f"bag_of_words(random corpus {seed}, vocabulary)", shape=expected.shape,
                 dtype=np.int64)
    assert np.array_equal(got, expected), (
        f"bag_of_words(random corpus {seed}, vocabulary) differs from CountVectorizer(vocabulary=...) "
        f"in {int((got != expected).sum())} cell(s) -- column j must count vocabulary[j] (keep the "
        "given order) and tokens outside the vocabulary are ignored")


@pytest.mark.points(1)
def test_course_example(impl):
    got = impl.bag_of_words([list(d) for d in COURSE_DOCS])
    expect_array(got, "bag_of_words(course documents)", shape=(2, 4), dtype=np.int64,
                 hint="counts are whole numbers: use an int64 array")
    expect_equal(got.tolist(), [[1, 1, 1, 1], [1, 1, 1, 0]], "bag_of_words(course documents)")


@pytest.mark.points(1)
def test_repeated_words_are_counted(impl):
    got = impl.bag_of_words([["the", "cat", "the", "the"], ["cat", "cat"]])
    expect_array(got, "bag_of_words(repeated words)", shape=(2, 2), dtype=np.int64)
    expect_equal(got.tolist(), [[1, 3], [2, 0]], "bag_of_words(repeated words)",
                 hint="count occurrences, not just presence")


@pytest.mark.points(1)
def test_case_and_punctuation_are_tokens_as_given(impl):
    docs = [["The", "cat", ".", "the"], ["THE", "."]]
    expect_equal(impl.build_vocabulary(docs), [".", "THE", "The", "cat", "the"],
                 "build_vocabulary(mixed case)", hint="no lower-casing; Python's sorted order")
    got = impl.bag_of_words(docs)
    expect_equal(got.tolist(), [[1, 0, 1, 1, 1], [1, 1, 0, 0, 0]], "bag_of_words(mixed case)",
                 hint="tokens are counted exactly as given")


@pytest.mark.points(1)
def test_given_vocabulary_order_is_kept(impl):
    got = impl.bag_of_words([["b", "a", "c", "c"]], vocabulary=["c", "a", "b"])
    expect_equal(got.tolist(), [[2, 1, 1]], "bag_of_words(vocabulary=['c', 'a', 'b'])",
                 hint="do not sort a vocabulary you are given")


@pytest.mark.points(1)
def test_unknown_tokens_are_ignored(impl):
    got = impl.bag_of_words([["cat", "unicorn", "cat"], ["unicorn"]], vocabulary=["cat"])
    expect_array(got, "bag_of_words(unknown tokens)", shape=(2, 1), dtype=np.int64)
    expect_equal(got.tolist(), [[2], [0]], "bag_of_words(unknown tokens)",
                 hint="skip tokens that are not in the vocabulary (no KeyError)")


@pytest.mark.points(1)
def test_empty_cases(impl):
    expect_equal(impl.build_vocabulary([]), [], "build_vocabulary([])")
    expect_equal(impl.build_vocabulary([[], []]), [], "build_vocabulary([[], []])")
    got = impl.bag_of_words([["cat"], []])
    expect_equal(got.tolist(), [[1], [0]], "bag_of_words([['cat'], []])", hint="an empty document is a row of zeros")
    none = impl.bag_of_words([], vocabulary=["cat", "dog"])
    expect_array(none, "bag_of_words([], vocabulary=2 words)", shape=(0, 2), dtype=np.int64)


@pytest.mark.points(1)
def test_inputs_are_left_unchanged(impl):
    docs, vocabulary = [["b", "a", "b"]], ["b", "a"]
    _, changed_bag = inspect_call(impl.bag_of_words, docs, vocabulary)
    _, changed_vocabulary = inspect_call(impl.build_vocabulary, docs)
    assert not changed_bag and not changed_vocabulary, \
        "bag_of_words/build_vocabulary changed their arguments"


@pytest.mark.points(1)
def test_repeated_vocabulary_word_is_a_value_error(impl):
    with expect_raises(ValueError, "bag_of_words(docs, vocabulary=['cat', 'dog', 'cat'])", arg="vocabulary"):
        impl.bag_of_words([["cat"]], vocabulary=["cat", "dog", "cat"])


BAD_DOCS = [
    ("the cat sat", "a str", "a str is text, not tokenized documents: expect a list of lists of str"),
    (["the cat", "a dog"], "a list of str",
     "each document must itself be a list of tokens (text that is not tokenized yet is a TypeError)"),
    ([["cat", 3]], "a token is an int", "check every token of every document, not just the documents"),
    ((["cat"],), "a tuple", "documents must be a list (a tuple is a TypeError)"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("docs,label,hint", BAD_DOCS, ids=[b[1] for b in BAD_DOCS])
def test_bad_documents_are_type_errors(impl, docs, label, hint):
    with expect_raises(TypeError, f"build_vocabulary({docs!r}) [{label}]", arg="documents", hint=hint):
        impl.build_vocabulary(docs)
    with expect_raises(TypeError, f"bag_of_words({docs!r}) [{label}]", arg="documents", hint=hint):
        impl.bag_of_words(docs)


@pytest.mark.points(1)
@pytest.mark.parametrize("vocabulary", ["cat dog", ["cat", 1], ("cat",)], ids=["str", "int word", "tuple"])
def test_bad_vocabulary_is_a_type_error(impl, vocabulary):
    with expect_raises(TypeError, f"bag_of_words(docs, vocabulary={vocabulary!r})", arg="vocabulary"):
        impl.bag_of_words([["cat"]], vocabulary=vocabulary)
