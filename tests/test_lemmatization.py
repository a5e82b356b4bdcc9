"""Public tests for lemmatization (run: pytest -m lemmatization)."""

import pytest

from kit.checks import expect_equal, expect_raises, expect_str_list
from kit.lexicon import known_lemmas


@pytest.mark.points(2)
def test_course_example_talk(impl):
    got = [impl.lemmatize(w, "v") for w in ["talking", "talked", "talk"]]
    expect_equal(got, ["talk", "talk", "talk"], "lemmatize(talking/talked/talk, 'v')",
                 hint="try the rules in order; accept a candidate only if it is a known verb lemma")


@pytest.mark.points(1)
def test_bus_and_buses(impl):
    expect_equal(impl.lemmatize("buses"), "bus", "lemmatize('buses')",
                 hint="'buse' is not a known noun, so the ('s', '') rule is rejected; ('ses', 's') gives 'bus'")
    expect_equal(impl.lemmatize("bus"), "bus", "lemmatize('bus')",
                 hint="a word that is already a known lemma is returned as it is (not 'bu')")


@pytest.mark.points(1)
@pytest.mark.parametrize("word,pos,lemma", [("ran", "v", "run"), ("mice", "n", "mouse"),
                                            ("better", "a", "good")])
def test_irregular_forms(impl, word, pos, lemma):
    expect_equal(impl.lemmatize(word, pos), lemma, f"lemmatize({word!r}, {pos!r})",
                 hint="look the word up in exceptions(pos) first")


@pytest.mark.points(1)
@pytest.mark.parametrize("word,pos,lemma", [("stopped", "v", "stop"), ("bigger", "a", "big"),
                                            ("studied", "v", "study")])
def test_doubled_consonants_and_y(impl, word, pos, lemma):
    expect_equal(impl.lemmatize(word, pos), lemma, f"lemmatize({word!r}, {pos!r})",
                 hint="suffix rules alone get these wrong; they are in the exception table")


@pytest.mark.points(1)
def test_lemmatize_tokens(impl):
    got = impl.lemmatize_tokens(["The", "mice", "were", "running"], ["n", "n", "v", "v"])
    expect_str_list(got, "lemmatize_tokens(...)")
    expect_equal(got, ["the", "mouse", "be", "run"], "lemmatize_tokens(['The', 'mice', 'were', 'running'])",
                 hint="one lemma per token, lower-cased, each with its own tag")


@pytest.mark.points(1)
def test_bad_pos_is_a_value_error(impl):
    with expect_raises(ValueError, "lemmatize('cats', pos='noun')", arg="pos"):
        impl.lemmatize("cats", pos="noun")


# Stems come from NLTK itself: the test asks the same stemmer.
@pytest.mark.points(2)
@pytest.mark.parametrize("stemmer", ["porter", "snowball"])
def test_lemmas_and_stems(impl, stemmer):
    from nltk.stem import PorterStemmer, SnowballStemmer

    stem = (PorterStemmer() if stemmer == "porter" else SnowballStemmer("english")).stem
    tokens, tags = ["studies", "running", "mice", "fairly", "was"], ["n", "v", "n", "r", "v"]
    got = impl.lemmas_and_stems(tokens, tags, stemmer=stemmer)
    expected = [(lemma, stem(token), stem(token) in known_lemmas(tag))
                for token, tag, lemma in zip(tokens, tags, ["study", "run", "mouse", "fairly", "be"])]
    expect_equal(got, expected, f"lemmas_and_stems({tokens!r}, {tags!r}, stemmer={stemmer!r})",
                 hint="(lemmatize(token, tag), the stemmer's stem of the token, whether that stem "
                      "is in known_lemmas(tag)); 'studi' is no word, 'run' is")
