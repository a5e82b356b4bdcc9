"""Hidden graders for tokenization."""

import pytest

from kit.checks import expect_equal, expect_raises, expect_str_list
from kit.remote import inspect_call

CASES = [
    # (text, tokens, what it checks, hint)
    ("Working with natural language processing techniques is tricky.",
     ["Working", "with", "natural", "language", "processing", "techniques", "is", "tricky", "."],
     "the course sentence", "punctuation is a token of its own; case is kept"),
    ("The Cat SAT.", ["The", "Cat", "SAT", "."], "case", "do not lower-case: that is a separate step"),
    ("Wait...what?!", ["Wait", ".", ".", ".", "what", "?", "!"], "runs of punctuation",
     "every punctuation character is its own token"),
    ("It costs 3.14 euros, i.e. €3", ["It", "costs", "3", ".", "14", "euros", ",", "i", ".", "e",
                                       ".", "€", "3"], "digits and symbols",
     "digits belong to words; '.', ',' and '€' are tokens of their own"),
    ("rock'n'roll isn't over-the-top", ["rock'n'roll", "isn't", "over-the-top"],
     "inner apostrophes and hyphens", "keep ' and - between letters inside the word"),
    ("'quoted' words-", ["'", "quoted", "'", "words", "-"], "apostrophes and hyphens at the edges",
     "an apostrophe or hyphen that is not between two letters/digits is its own token"),
    ("pre- and post-war", ["pre", "-", "and", "post-war"], "a dangling hyphen",
     "only a hyphen *between* two runs of letters stays inside"),
    ("Zürich's naïve señor Ωmega", ["Zürich's", "naïve", "señor", "Ωmega"], "Unicode letters",
     "[A-Za-z] misses ü, ï, ñ and Ω; use a Unicode-aware class"),
    ("snake_case x", ["snake", "_", "case", "x"], "underscores",
     "\\w includes '_'; a word is letters and digits only"),
    ("  tabs\tand\nnew lines  ", ["tabs", "and", "new", "lines"], "whitespace",
     "all whitespace (spaces, tabs, newlines) separates tokens and is dropped"),
    ("", [], "the empty string", None),
    ("don’t", ["don’t"], "a typographic apostrophe", "’ (U+2019) counts like '"),
    ("hi🙂!", ["hi", "🙂", "!"], "an emoji", "a symbol is one token"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("text,expected,label,hint", CASES, ids=[c[2] for c in CASES])
def test_tokenize_cases(impl, text, expected, label, hint):
    got = impl.tokenize(text)
    expect_str_list(got, f"tokenize({text!r}) [{label}]")
    expect_equal(got, expected, f"tokenize({text!r}) [{label}]", hint=hint)


@pytest.mark.points(1)
def test_tokenize_joins_back_to_the_text_without_spaces(impl):
    text = "A long-range dependency: the book (on the shelf) was heavy!"
    got = impl.tokenize(text)
    expect_str_list(got, "tokenize(...)")
    assert "".join(got) == text.replace(" ", ""), (
        "tokens joined together should give back every non-space character of the text, "
        "in order -- characters were lost or reordered")


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", [None, b"bytes", ["a list"], 3.0], ids=["None", "bytes", "list", "float"])
def test_tokenize_rejects_non_strings(impl, bad):
    with expect_raises(TypeError, f"tokenize({bad!r})"):
        impl.tokenize(bad)


NGRAM_CASES = [
    (["The", "quick", "brown", "fox"], 1, [("The",), ("quick",), ("brown",), ("fox",)], "unigrams"),
    (["The", "quick", "brown", "fox"], 3, [("The", "quick", "brown"), ("quick", "brown", "fox")],
     "trigrams"),
    (["a", "b"], 2, [("a", "b")], "exactly n tokens"),
    (["a", "b"], 3, [], "fewer than n tokens"),
    ([], 1, [], "no tokens"),
    (["x", "x", "x"], 2, [("x", "x"), ("x", "x")], "repeated n-grams are kept"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,n,expected,label", NGRAM_CASES, ids=[c[3] for c in NGRAM_CASES])
def test_ngrams_cases(impl, tokens, n, expected, label):
    got = impl.ngrams(list(tokens), n)
    expect_equal(got, expected, f"ngrams({tokens!r}, {n}) [{label}]",
                 hint="n-grams are tuples; there are len(tokens) - n + 1 of them")


# NLTK as an independent peer: nltk.util.ngrams defines n-grams as the contract does, and
# nltk.tokenize.RegexpTokenizer runs the documented token rule written as one pattern.
TOKEN_RULE = r"[^\W_]+(?:['’-][^\W_]+)*|\S"
PARAGRAPH = ("Dr. O'Neill's state-of-the-art café (in Zürich!) sells 2 crêpes for €7.50 -- "
             "isn't that well-priced?\n\tAsk  señora Ωmega: she'll say “yes”… or ‘no’ ;-)  "
             "re-read the _fine_ print: rock'n'roll, 'quoted', dangling- and -leading hyphens.")


@pytest.mark.points(1)
def test_tokenize_agrees_with_nltk_regexp_tokenizer(impl):
    from nltk.tokenize import RegexpTokenizer

    expect_equal(impl.tokenize(PARAGRAPH), RegexpTokenizer(TOKEN_RULE).tokenize(PARAGRAPH),
                 "tokenize(a paragraph with abbreviations, quotes, contractions, hyphens, "
                 "Unicode letters, symbols and mixed whitespace)",
                 hint="the same rule, one token at a time: a word is letters/digits with ' ’ or - "
                      "only between them; any other non-space character is a token")


@pytest.mark.points(1)
# (No n = 3: the nbgrader selftest's wrong student loops forever there, in test_ngrams_cases only.)
@pytest.mark.parametrize("n", [1, 2, 4, 7, 13])
def test_ngrams_agree_with_nltk(impl, n):
    from nltk.util import ngrams as nltk_ngrams

    tokens = PARAGRAPH.split()[:12]
    expect_equal(impl.ngrams(list(tokens), n), list(nltk_ngrams(tokens, n)),
                 f"ngrams(12 tokens, {n}) vs nltk.util.ngrams",
                 hint="every run of n consecutive tokens, as a tuple, in order")


@pytest.mark.points(1)
def test_only_sentences_same_bag_different_bigrams(impl):
    a = impl.tokenize("I only follow a healthy lifestyle")
    b = impl.tokenize("Only I follow a healthy lifestyle")
    assert sorted(t.lower() for t in a) == sorted(t.lower() for t in b), \
        "the two 'only' sentences should have the same words"
    assert set(impl.ngrams(a, 2)) != set(impl.ngrams(b, 2)), \
        "the two 'only' sentences should have different bigrams"


@pytest.mark.points(1)
def test_ngrams_leaves_its_input_alone(impl):
    _, changed = inspect_call(impl.ngrams, ["one", "two", "three"], 2)
    assert not changed, "ngrams changed the list it was given"


@pytest.mark.points(1)
@pytest.mark.parametrize("n,exc", [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("2", TypeError)],
                         ids=["zero", "negative", "float", "str"])
def test_ngrams_bad_n(impl, n, exc):
    with expect_raises(exc, f"ngrams(tokens, {n!r})"):
        impl.ngrams(["a", "b", "c"], n)


@pytest.mark.points(1)
def test_ngrams_bad_tokens(impl):
    with expect_raises(TypeError, "ngrams('not a list', 2)"):
        impl.ngrams("not a list", 2)


@pytest.mark.points(1)
@pytest.mark.pretrained
def test_subword_tokenize_uses_wordpiece(impl):
    got = impl.subword_tokenize("Tokenization is tricky")
    expect_str_list(got, "subword_tokenize('Tokenization is tricky')")
    assert any(piece.startswith("##") for piece in got), (
        "WordPiece marks word continuations with '##'; did you use the kit's pre-trained "
        "tokenizer (kit.pretrained.tokenizer())?")
    assert "".join(p.removeprefix("##") for p in got) == "tokenizationistricky", (
        "the pieces should spell the lower-cased words again")


@pytest.mark.points(1)
@pytest.mark.pretrained
def test_subword_tokenize_rejects_non_strings(impl):
    with expect_raises(TypeError, "subword_tokenize(None)"):
        impl.subword_tokenize(None)
