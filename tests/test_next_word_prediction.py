"""Public tests for next_word_prediction (run: pytest -m next_word_prediction)."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import kit
from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor

FOX = "The quick brown fox jumps over the lazy dog".split()
PIZZA = Path(kit.__file__).resolve().parent / "data" / "next_word_pizza.txt"


def pizza_corpus():
    return [line.split() for line in PIZZA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.points(2)
def test_course_pairs(impl):
    pairs = impl.next_word_pairs(list(FOX))
    assert isinstance(pairs, list) and len(pairs) == 8, "9 tokens give 8 (context, next word) pairs"
    expect_equal(pairs[0], (["The"], "quick"), "first pair")
    expect_equal(pairs[2], (["The", "quick", "brown"], "fox"), "third pair",
                 hint="the context is the whole prefix, not only the previous word")


@pytest.mark.points(2)
def test_pizza_with_cheese(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    expect_equal(model.predict(["pizza", "with"]), "cheese", "trigram predict(['pizza', 'with'])")
    probs = model.probabilities(["i", "love", "to", "eat", "pizza", "with"])
    expect_equal(sorted(probs), ["cheese", "ketchup", "mushrooms", "oregano"], "words after 'pizza with'")
    expect_close(sum(probs.values()), 1.0, "sum of the probabilities")


@pytest.mark.points(1)
def test_generate_pizza(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    expect_equal(model.generate(["i", "love", "to", "eat"], 4),
                 ["i", "love", "to", "eat", "pizza", "with", "cheese", "."], "greedy generate",
                 hint="return the prompt followed by the new tokens; ties go to the word that sorts first")


@pytest.mark.points(1)
def test_shift_for_next_token(impl):
    inputs, targets = impl.shift_for_next_token(torch.tensor([[5, 6, 7, 8]]))
    expect_tensor(inputs, "inputs", shape=(1, 3), dtype=torch.long)
    expect_equal(inputs.tolist(), [[5, 6, 7]], "inputs")
    expect_equal(targets.tolist(), [[6, 7, 8]], "targets")


@pytest.mark.points(2)
def test_next_token_loss_is_shifted_cross_entropy(impl):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 7, generator=g)
    ids = torch.randint(0, 7, (2, 5), generator=g)
    expected = F.cross_entropy(logits[:, :-1].reshape(-1, 7), ids[:, 1:].reshape(-1))
    expect_close(impl.next_token_loss(logits, ids), expected, "next_token_loss",
                 hint="position t predicts the token at t + 1")


@pytest.mark.points(1)
def test_error_message_names_the_argument(impl):
    with expect_raises(TypeError, "next_word_pairs('The quick brown')", arg="tokens",
                       hint="tokens is a list of words: split a sentence first"):
        impl.next_word_pairs("The quick brown")
