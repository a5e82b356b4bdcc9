"""Public tests for data_bias (run: pytest -m data_bias)."""

import pytest

from kit.checks import expect_close, expect_equal, expect_raises

NURSE = "The nurse said that she would bring her notes."
CORPUS = ["The nurse said that she was tired.", "The engineer said that he was late.",
          "The pilot said that he would land soon."]


@pytest.mark.points(1)
def test_counts_whole_words_ignoring_case(impl):
    expect_equal(impl.gendered_counts(["He said she saw him with her.", "The theme of the hero."]),
                 {"female": 2, "male": 2}, "gendered_counts(two sentences)",
                 hint="count whole words only: the 'he' inside 'the', 'theme' and 'hero' is not a pronoun")


@pytest.mark.points(1)
def test_bias_score(impl):
    expect_close(impl.bias_score({"female": 1, "male": 3}), 0.5, 'bias_score({"female": 1, "male": 3})',
                 hint="(male - female) / (male + female)")
    expect_close(impl.bias_score({"female": 0, "male": 0}), 0.0, "bias_score of no pronouns at all",
                 hint="with no pronouns the corpus is not skewed: return 0.0, do not divide by zero")


@pytest.mark.points(2)
def test_course_example_counterfactual(impl):
    expect_equal(impl.counterfactual_augment(NURSE), "The nurse said that he would bring his notes.",
                 f"counterfactual_augment({NURSE!r})")


@pytest.mark.points(1)
def test_counterfactual_keeps_case(impl):
    expect_equal(impl.counterfactual_augment("His mother gave her a book."), "Her father gave him a book.",
                 'counterfactual_augment("His mother gave her a book.")',
                 hint="'His' at the start becomes 'Her', not 'her'; 'her' before 'a' is an object: 'him'")


@pytest.mark.points(2)
def test_augmenting_a_skewed_corpus_balances_it(impl):
    before = impl.bias_score(impl.gendered_counts(CORPUS))
    expect_close(before, 1 / 3, "bias_score of the skewed corpus (2 'he', 1 'she')")
    augmented = CORPUS + [impl.counterfactual_augment(s) for s in CORPUS]
    expect_close(impl.bias_score(impl.gendered_counts(augmented)), 0.0,
                 "bias_score of the corpus plus its counterfactuals",
                 hint="every 'he' should come back as a 'she' and every 'she' as a 'he'")


@pytest.mark.points(1)
def test_a_single_string_is_a_type_error(impl):
    with expect_raises(TypeError, "gendered_counts('He said.')", arg="texts",
                       hint="texts is a list of strings"):
        impl.gendered_counts("He said.")
