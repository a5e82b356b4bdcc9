"""Public tests for explainability (run: pytest -m explainability)."""

import pytest
import torch
from torch import nn

from kit import sentiment
from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor


def linear_example():
    """The docstring's linear model: logit 0 = x00 - 2 x10 + x11, logit 1 = x01."""
    model = nn.Sequential(nn.Flatten(0), nn.Linear(4, 2, bias=False))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[1.0, 0.0, -2.0, 1.0], [0.0, 1.0, 0.0, 0.0]]))
    return model, torch.tensor([[1.0, 2.0], [3.0, -1.0]])


@pytest.mark.points(2)
@pytest.mark.parametrize("method", ["gradient_x_input", "integrated_gradients", "occlusion"])
def test_worked_example(impl, method):
    model, x = linear_example()
    got = getattr(impl, method)(model, x, 0)
    expect_tensor(got, f"{method}(linear model, x, 0)", shape=(2,), dtype=torch.float32,
                  hint="one attribution per token: sum over the feature axis D (the last one)")
    expect_close(got, torch.tensor([1.0, -7.0]), f"{method}(linear model, x, 0)",
                 hint="for a linear model without bias each token's attribution is its share "
                      "of the logit: 1*1 + 0*2 = 1 and -2*3 + 1*(-1) = -7")


@pytest.mark.points(3)
def test_the_food_was_terrible(impl):
    model = sentiment.sentiment_classifier()
    words = sentiment.tokens("the food was terrible")
    negative = sentiment.LABELS.index("negative")
    attributions = impl.integrated_gradients(model, model.embed(words), negative)
    expect_tensor(attributions, "integrated_gradients(classifier, 'the food was terrible')",
                  shape=(4,), dtype=torch.float32)
    expect_equal(impl.top_tokens(attributions, words, 2), ["terrible", "food"],
                 "top_tokens of the explanation of 'the food was terrible' (negative)",
                 hint="the largest attributions first")


@pytest.mark.points(2)
def test_completeness(impl):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Flatten(0), nn.Linear(5 * 8, 2))
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(1))
    attributions = impl.integrated_gradients(model, x, 1)
    with torch.no_grad():
        gap = float(model(x)[1] - model(torch.zeros(5, 3))[1])
    assert abs(float(attributions.sum()) - gap) < 1e-4, (
        f"integrated gradients add up to {float(attributions.sum()):.5f}, but F(x) - F(0) = "
        f"{gap:.5f} -- multiply the averaged gradient by (x - baseline), and use the "
        "Gauss-Legendre points (t + 1) / 2 and weights v / 2")


@pytest.mark.points(1)
def test_top_tokens_ties_keep_sentence_order(impl):
    got = impl.top_tokens(torch.tensor([0.5, 2.0, 0.5, 0.5]), ["a", "b", "c", "d"], 3)
    expect_equal(got, ["b", "a", "c"], "top_tokens([0.5, 2.0, 0.5, 0.5], a b c d, 3)",
                 hint="ties: the earlier token first (a stable sort)")


@pytest.mark.points(1)
def test_rank_correlation_example(impl):
    got = impl.rank_correlation(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, 30.0, 20.0]))
    expect_close(got, 0.5, "rank_correlation([1, 2, 3], [10, 30, 20])",
                 hint="ranks (0, 1, 2) and (0, 2, 1); their Pearson correlation is 0.5")


@pytest.mark.points(1)
def test_a_model_agrees_with_itself(impl):
    model = sentiment.sentiment_classifier()
    words = sentiment.tokens("the waiter was rude and the dessert was stale")
    got = impl.randomization_similarity(model, model, model.embed(words), 1)
    expect_close(got, 1.0, "randomization_similarity(model, model, ...)",
                 hint="the same model explains the same way: rank correlation 1")


@pytest.mark.points(1)
def test_steps_zero_is_a_value_error(impl):
    model, x = linear_example()
    with expect_raises(ValueError, "integrated_gradients(..., steps=0)", arg="steps"):
        impl.integrated_gradients(model, x, 0, steps=0)
