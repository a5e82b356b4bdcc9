"""Hidden graders for data_bias."""

import pytest

from kit.checks import expect_close, expect_equal, expect_raises, expect_type
from kit.remote import inspect_call

# --------------------------------------------------------------------------- counts

COUNT_CASES = [
    # (texts, female, male, what it checks, hint)
    (["The nurse said that she was tired."], 1, 0, "the course's sentence", None),
    (["There, the theme of the hero: Sheffield's shell, the Herald."], 0, 0, "substrings",
     "'he' inside 'the', 'there', 'theme', 'hero'; 'she' in 'shell'; 'her' in 'Herald' are not pronouns"),
    (["HE and He and he; SHE, She, she."], 3, 3, "case", "matching ignores case"),
    (["He's sure she'll come, he'd said."], 1, 2, "contractions", "the 'he' of \"he's\" is a whole word"),
    (["Himself, herself, hers and his."], 2, 2, "every pronoun", "himself/herself/hers/his count too"),
    (["The man asked the woman."], 0, 0, "nouns are not counted", "only pronouns are counted"),
    ([], 0, 0, "no texts", "both keys are always present"),
    (["", "   "], 0, 0, "empty texts", None),
    (["he", "she", "he"], 1, 2, "several texts", "add up the counts over all the texts"),
    (["(he)", "\"she\"", "him!", "her?"], 2, 2, "punctuation around", None),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("texts,female,male,label,hint", COUNT_CASES, ids=[c[3] for c in COUNT_CASES])
def test_gendered_counts(impl, texts, female, male, label, hint):
    got = impl.gendered_counts(list(texts))
    expect_type(got, dict, f"gendered_counts [{label}]")
    expect_equal(got, {"female": female, "male": male}, f"gendered_counts({texts!r})", hint=hint)


@pytest.mark.points(1)
def test_gendered_counts_leaves_its_input_alone(impl):
    _, changed = inspect_call(impl.gendered_counts, ["He said.", "She said."])
    assert not changed, "gendered_counts changed the list it was given"


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", ["He said.", None, [1, 2], ("he",)], ids=["str", "None", "ints", "tuple"])
def test_gendered_counts_type_errors(impl, bad):
    with expect_raises(TypeError, f"gendered_counts({bad!r})"):
        impl.gendered_counts(bad)


# --------------------------------------------------------------------------- score

SCORE_CASES = [
    ({"female": 1, "male": 3}, 0.5), ({"female": 3, "male": 1}, -0.5), ({"female": 0, "male": 5}, 1.0),
    ({"female": 7, "male": 0}, -1.0), ({"female": 4, "male": 4}, 0.0), ({"female": 0, "male": 0}, 0.0),
    ({"female": 2, "male": 1, "other": 9}, -1 / 3),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("counts,expected", SCORE_CASES, ids=[str(c[0]) for c in SCORE_CASES])
def test_bias_score(impl, counts, expected):
    got = impl.bias_score(dict(counts))
    expect_type(got, float, f"bias_score({counts})", hint="return a float")
    expect_close(got, expected, f"bias_score({counts})",
                 hint="(male - female) / (male + female): positive = male-heavy; 0.0 when both are 0")


@pytest.mark.points(1)
@pytest.mark.parametrize("counts,exc", [
    ({"male": 1}, ValueError), ({"female": 1}, ValueError), ({"female": -1, "male": 2}, ValueError),
    ({"female": 1.5, "male": 2}, TypeError), ({"female": True, "male": 2}, TypeError), ([1, 2], TypeError),
], ids=["no female", "no male", "negative", "float", "bool", "list"])
def test_bias_score_errors(impl, counts, exc):
    with expect_raises(exc, f"bias_score({counts!r})"):
        impl.bias_score(counts)


# --------------------------------------------------------------------------- counterfactuals

CF_CASES = [
    # (sentence, counterfactual, what it checks, hint)
    ("The nurse said that she would bring her notes.", "The nurse said that he would bring his notes.",
     "the course's sentence", None),
    ("He is here.", "She is here.", "he -> she", None),
    ("She is here.", "He is here.", "she -> he", "every swap goes both ways"),
    ("His car is faster than hers.", "Her car is faster than his.", "his/hers",
     "'His' keeps its capital; 'hers' becomes 'his'"),
    ("HE SAID NO.", "SHE SAID NO.", "all capitals", "an all-capitals word stays all capitals"),
    ("I gave her a book, and he thanked her.", "I gave him a book, and she thanked him.",
     "her as an object", "'her' before 'a' or punctuation is an object: 'him'"),
    ("She lost her keys.", "He lost his keys.", "her as a possessive",
     "'her' before a word outside OBJECT_CONTEXT is possessive: 'his'"),
    ("I saw her yesterday.", "I saw him yesterday.", "her before an adverb of the list", None),
    ("The book is his.", "The book is hers.", "his standing alone", "'his' at the end becomes 'hers'"),
    ("His own idea.", "Her own idea.", "his before a word", None),
    ("The man told the woman about his father.", "The woman told the man about her mother.",
     "nouns", "swap the nouns of SWAPS too"),
    ("Men and women, boys and girls!", "Women and men, girls and boys!", "plurals and capitals", None),
    ("He's sure the man's hat is his.", "She's sure the woman's hat is hers.", "contractions, possessive 's",
     "only the word changes; \"'s\" stays"),
    ("She said he could not see himself doing it.", "He said she could not see herself doing it.",
     "himself", None),
    ("There, the theme: Sheffield's hero, the Herald, mankind.",
     "There, the theme: Sheffield's hero, the Herald, mankind.", "no whole gendered word",
     "swap whole words only: 'the' has a 'he' inside, 'mankind' a 'man'"),
    ("Her brother and his sister met the boys.", "His sister and her brother met the girls.",
     "both directions in one sentence", "decide every word from the original sentence, in one pass"),
    ("he-he", "she-she", "hyphen", None),
    ("", "", "empty", None),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("sentence,expected,label,hint", CF_CASES, ids=[c[2] for c in CF_CASES])
def test_counterfactual(impl, sentence, expected, label, hint):
    got = impl.counterfactual_augment(sentence)
    expect_type(got, str, f"counterfactual_augment [{label}]")
    expect_equal(got, expected, f"counterfactual_augment({sentence!r}) [{label}]", hint=hint)


@pytest.mark.points(2)
def test_counterfactual_twice_gives_back_the_sentence(impl):
    # Without the ambiguous her/his, swapping twice must give the original back.
    sentences = ["He and she met his aunt.", "The King and the Queen and their sons.",
                 "SHE told him about herself."]
    for s in sentences:
        twice = impl.counterfactual_augment(impl.counterfactual_augment(s))
        assert twice == s, (f"counterfactual of the counterfactual of {s!r} is {twice!r}: a swap is not "
                            "undone by swapping again (case lost? a word swapped twice?)")


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", [None, ["He"], 3])
def test_counterfactual_type_errors(impl, bad):
    with expect_raises(TypeError, f"counterfactual_augment({bad!r})"):
        impl.counterfactual_augment(bad)


SKEWED = [
    "The nurse said that she would be late.",
    "The engineer said that he had fixed the bug himself.",
    "The doctor told the patient that he would call him back.",
    "The CEO said his company had grown.",
    "The pilot thanked her crew; he was proud of them.",
    "The programmer lost his laptop, and he blamed himself.",
    "The teacher said that she loved her job.",
    "The manager asked him if the report was his.",
]


@pytest.mark.points(3)
def test_augmenting_a_skewed_corpus_makes_the_score_zero(impl):
    before = impl.bias_score(impl.gendered_counts(list(SKEWED)))
    assert before > 0.3, f"the skewed corpus is male-heavy: its score should be clearly positive, got {before}"
    augmented = SKEWED + [impl.counterfactual_augment(s) for s in SKEWED]
    counts = impl.gendered_counts(augmented)
    expect_equal(counts["female"], counts["male"], "female count of the augmented corpus (must equal male)",
                 hint="each pronoun of the original must come back as one pronoun of the other gender")
    expect_close(impl.bias_score(counts), 0.0, "bias_score of the augmented corpus")
