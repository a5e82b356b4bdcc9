"""Public tests for reward_ranking (run: pytest -m reward_ranking)."""

import math

import pytest
import torch

from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor
from kit.datasets import preference_pairs


def _neg_log_sigmoid(x: float) -> float:
    """-log(sigmoid(x)) without overflow: log(1 + exp(-x))."""
    return max(-x, 0.0) + math.log1p(math.exp(-abs(x)))


@pytest.mark.points(2)
def test_ranking_to_pairs_worked_example(impl):
    # ranking[i] is the rank of responses[i]: B is best (0), then C (1), then A (2)
    pairs = impl.ranking_to_pairs(["A", "B", "C"], [2, 0, 1])
    expect_equal(pairs, [("B", "C"), ("B", "A"), ("C", "A")], "ranking_to_pairs(['A','B','C'], [2,0,1])",
                 hint="ranking[i] is the rank of responses[i] (0 = best); list every pair, "
                      "best preferred first")


@pytest.mark.points(1)
def test_ranking_with_a_tie_is_a_value_error(impl):
    with expect_raises(ValueError, "ranking_to_pairs(..., [0, 0, 1])", arg="ranking"):
        impl.ranking_to_pairs(["A", "B", "C"], [0, 0, 1])


@pytest.mark.points(1)
def test_bradley_terry_worked_example(impl):
    loss = impl.bradley_terry_loss(torch.tensor([2.0, 0.5]), torch.tensor([0.0, 1.0]))
    expect_tensor(loss, "bradley_terry_loss(...)", shape=(), dtype=torch.float32)
    expected = (_neg_log_sigmoid(2.0) + _neg_log_sigmoid(-0.5)) / 2
    expect_close(float(loss), expected, "bradley_terry_loss([2, 0.5], [0, 1])", rtol=1e-6,
                 hint="mean over pairs of -logsigmoid(chosen - rejected)")


@pytest.mark.points(1)
def test_bradley_terry_is_finite_for_large_gaps(impl):
    loss = impl.bradley_terry_loss(torch.tensor([-1e4]), torch.tensor([1e4]))
    assert torch.isfinite(loss).all(), (
        "bradley_terry_loss(-1e4, 1e4) is not finite: torch.log(torch.sigmoid(x)) underflows "
        "to log(0); use torch.nn.functional.logsigmoid")
    expect_close(float(loss), 2e4, "bradley_terry_loss(-1e4, 1e4)", rtol=1e-6)


@pytest.mark.points(1)
def test_ranking_loss_is_normalised(impl):
    rewards = torch.tensor([[3.0, 2.0, 1.0]])  # every pair of this ranking has gap 1 or 2
    expected = (2 * _neg_log_sigmoid(1.0) + _neg_log_sigmoid(2.0)) / 3
    expect_close(float(impl.ranking_loss(rewards)), expected, "ranking_loss([[3, 2, 1]])", rtol=1e-6,
                 hint="average -logsigmoid(r_i - r_j) over all C(K, 2) pairs i < j")


@pytest.mark.points(1)
def test_preference_accuracy(impl):
    acc = impl.preference_accuracy(torch.tensor([1.0, 2.0, 0.0, 5.0]), torch.tensor([0.0, 3.0, 0.0, 4.0]))
    expect_close(acc, 0.5, "preference_accuracy", hint="a tie is not a correct preference")


@pytest.mark.points(2)
def test_reward_model_learns_the_expert(impl):
    chosen, rejected = preference_pairs(200, k=4, seed=0)
    held_chosen, held_rejected = preference_pairs(100, k=4, seed=1)
    model = impl.RewardModel(chosen.shape[1], seed=0)
    losses = impl.train_reward_model(model, chosen, rejected, epochs=100, lr=0.05)
    expect_equal(len(losses), 100, "len(train_reward_model(..., epochs=100))")
    assert losses[-1] < losses[0], "the training loss did not go down"
    accuracy = float((model(held_chosen) > model(held_rejected)).float().mean())
    assert accuracy >= 0.9, (
        f"held-out preference accuracy {accuracy:.3f} < 0.9 after training on the kit's expert")


@pytest.mark.points(1)
def test_best_of_n_first_on_ties(impl):
    got = impl.best_of_n(["short", "longer", "tiny", "larger"], lambda s: len(s))
    expect_equal(got, "longer", "best_of_n(..., reward=len)", hint="keep the first of equally good ones")


@pytest.mark.points(2)
def test_dpo_loss_matches_the_paper(impl):
    pc, pr = torch.tensor([-5.0, -9.0]), torch.tensor([-7.0, -8.0])
    rc, rr = torch.tensor([-6.0, -9.5]), torch.tensor([-6.0, -8.0])
    loss = impl.dpo_loss(pc, pr, rc, rr, beta=0.5)
    logits = [((-5.0) - (-6.0)) - ((-7.0) - (-6.0)), ((-9.0) - (-9.5)) - ((-8.0) - (-8.0))]
    expected = sum(_neg_log_sigmoid(0.5 * z) for z in logits) / 2
    expect_close(float(loss), expected, "dpo_loss(..., beta=0.5)", rtol=1e-6,
                 hint="-logsigmoid(beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)))")
