"""RLHF: learning from an expert's ranking.

Course: chapter 3, "Advanced fine-tuning" -- reinforcement learning through human
feedback (RLHF).

RLHF has three steps: the model writes several responses to a prompt; a human expert
*ranks* them (best first); the model learns from the ranking. The learning goes through
a **reward model** r(x) that scores a response. A ranking of K responses says, for each
of its C(K, 2) = K (K - 1) / 2 pairs, which response the expert preferred; the
**Bradley-Terry** model turns scores into preference probabilities,

    P(a is preferred to b) = sigmoid(r(a) - r(b)),

and the reward model is trained to make the expert's choices likely: minimise

    -log sigmoid(r(chosen) - r(rejected))      (averaged over the pairs).

Numerically, ``torch.log(torch.sigmoid(d))`` is ``log(0) = -inf`` once ``d`` is below
about -100 (float32 ``sigmoid`` underflows to 0); ``torch.nn.functional.logsigmoid(d)``
computes the same function without overflow. Use it everywhere below.

What you write:

* :func:`ranking_to_pairs` -- a ranking -> all C(K, 2) (preferred, rejected) pairs;
* :func:`bradley_terry_loss` -- the pairwise loss above (with an optional margin, as in
  Llama 2's reward models);
* :func:`ranking_loss` -- InstructGPT's loss for K ranked responses per prompt
  (Ouyang et al. 2022, eq. 1): the pairwise loss over all C(K, 2) pairs of each prompt,
  divided by C(K, 2) so prompts with larger K do not dominate;
* :func:`preference_accuracy` -- how often the reward model agrees with the expert;
* :class:`RewardModel` and :func:`train_reward_model` -- a small reward model trained on
  the kit's synthetic expert (``kit.datasets.preference_pairs``);
* :func:`best_of_n` -- the simplest way to *use* a reward model: sample n responses and
  keep the best one;
* :func:`dpo_loss` -- Direct Preference Optimization (Rafailov et al. 2023, eq. 7), which
  skips the reward model and trains the policy directly on the pairs.

Worked example::

    >>> ranking_to_pairs(["A", "B", "C"], [2, 0, 1])     # B is best, then C, then A
    [('B', 'C'), ('B', 'A'), ('C', 'A')]
    >>> bradley_terry_loss(torch.tensor([2.0]), torch.tensor([0.0]))   # -log sigmoid(2)
    tensor(0.1269)

How it is checked: exact pairs and errors for rankings; every loss against its paper's
formula computed independently (float64), on small and extreme (+-1e4) inputs, with its
gradients; the reward model's held-out preference accuracy on the kit's synthetic
expert (>= 0.9) and its training curve against a reference run; best-of-n's ties.
Every ``TypeError``/``ValueError`` message names the offending argument (the kit's rule,
e.g. ``"ranking: expected a permutation of 0..2, got [0, 0, 1]"``; for two arguments
that do not match, such as ``chosen`` and ``rejected`` of different shapes, either
name will do).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn


def ranking_to_pairs(responses: Sequence[str], ranking: Sequence[int]) -> list[tuple[str, str]]:
    """All ``C(K, 2)`` ``(preferred, rejected)`` pairs of a ranked list of responses.

    ``ranking[i]`` is the rank of ``responses[i]``: 0 for the expert's favourite, 1 for
    the next, ..., ``K - 1`` for the worst (so ``ranking`` is a permutation of
    ``0..K-1``; it is *not* a list of indices in preference order). Pairs are ordered
    by the preferred response's rank, then by the rejected response's rank: with
    responses in rank order ``b0, b1, b2`` the answer is ``[(b0, b1), (b0, b2), (b1, b2)]``.
    ``K = 1`` gives ``[]``.

    Raises ``TypeError`` if ``responses`` is not a list/tuple of ``str`` or ``ranking``
    not a list/tuple of ``int`` (``bool`` is not an int here); ``ValueError`` if their
    lengths differ, or if ``ranking`` has ties, gaps or values outside ``0..K-1``.
    """
    raise NotImplementedError("reward_ranking.ranking_to_pairs: not implemented yet")


def bradley_terry_loss(chosen: torch.Tensor, rejected: torch.Tensor,
                       margin: torch.Tensor | float | None = None) -> torch.Tensor:
    """``mean(-logsigmoid(chosen - rejected - margin))``: the Bradley-Terry pairwise loss.

    ``chosen`` and ``rejected`` are the rewards of the preferred and the rejected response
    of each pair: floating-point tensors of the same shape, at least one element.
    ``margin`` (``None`` = 0) is a number or a tensor broadcastable to that shape; a pair
    with margin m only counts as well separated once ``chosen - rejected > m``.

    Returns a 0-dim tensor of the inputs' dtype, differentiable, and finite for any finite
    inputs (``chosen - rejected = -2e4`` gives 2e4, not ``inf``).

    Raises ``TypeError`` if ``chosen``/``rejected`` are not floating-point tensors (or
    ``margin`` is not ``None``, a number or a tensor); ``ValueError`` if their shapes
    differ, they are empty, or ``margin`` does not broadcast to their shape.
    """
    raise NotImplementedError("reward_ranking.bradley_terry_loss: not implemented yet")


def ranking_loss(rewards: torch.Tensor) -> torch.Tensor:
    """InstructGPT's reward-model loss for ``B`` prompts with ``K`` ranked responses each.

    ``rewards`` is ``(B, K)``, each row in the expert's order (column 0 = best). For each
    row, average ``-logsigmoid(rewards[b, i] - rewards[b, j])`` over all ``C(K, 2)`` pairs
    ``i < j`` (i.e. the sum divided by ``C(K, 2)``); then average over the ``B`` rows.
    Returns a 0-dim tensor of the input dtype; finite for any finite input. Vectorise it:
    no Python loop over pairs is needed (``torch.triu_indices`` lists the pairs).

    Raises ``TypeError`` if ``rewards`` is not a floating-point tensor; ``ValueError`` if
    it is not 2-D, or ``B < 1`` or ``K < 2``.
    """
    raise NotImplementedError("reward_ranking.ranking_loss: not implemented yet")


def preference_accuracy(chosen: torch.Tensor, rejected: torch.Tensor) -> float:
    """The fraction of pairs where ``chosen > rejected`` (strictly), as a Python ``float``.

    A tie is not a correct preference (the reward model could not tell the responses
    apart). Raises ``TypeError`` for non-tensors and ``ValueError`` if the shapes differ
    or there are no pairs.
    """
    raise NotImplementedError("reward_ranking.preference_accuracy: not implemented yet")


class RewardModel(nn.Module):
    """A small reward model: features ``(..., in_features)`` -> one reward each, ``(...)``.

    Architecture: ``Linear(in_features, hidden) -> ReLU -> Linear(hidden, 1)``, the last
    dimension squeezed away, so ``(N, in_features)`` gives ``(N,)``.
    ``in_features`` and ``hidden`` must be positive ints (``ValueError`` otherwise).

    The initial weights are PyTorch's default initialisation. With ``seed=None`` they come
    from the global random generator; with an int ``seed`` build the layers inside
    ``torch.random.fork_rng(devices=[])`` after ``torch.manual_seed(seed)``, so the same
    seed gives the same weights and the caller's random state is left alone.
    """

    def __init__(self, in_features: int, hidden: int = 32, *, seed: int | None = None):
        super().__init__()
        raise NotImplementedError("reward_ranking.RewardModel: not implemented yet")

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("reward_ranking.RewardModel.forward: not implemented yet")


def train_reward_model(model: nn.Module, chosen_features: torch.Tensor,
                       rejected_features: torch.Tensor, *, epochs: int, lr: float,
                       seed: int = 0) -> list[float]:
    """Train ``model`` so that it scores each chosen response above its rejected one.

    ``model`` maps ``(N, F)`` features to ``(N,)`` rewards (a :class:`RewardModel`, or any
    module that does so). Training is full-batch: each of the ``epochs`` epochs computes
    ``bradley_terry_loss(model(chosen_features), model(rejected_features))`` over all
    ``N`` pairs and takes one ``torch.optim.Adam(params, lr=lr)`` step (default betas, no
    weight decay), where ``params`` are the model's parameters that require grad.
    Returns the loss of every epoch, computed before that epoch's step, as a ``list`` of
    ``epochs`` Python floats.

    The model is in train mode while training and back in its previous mode afterwards.
    Training runs inside ``torch.random.fork_rng()`` seeded with ``seed`` (so a model with
    dropout trains reproducibly, and the caller's random state is left alone).

    Raises ``TypeError`` if ``model`` is not an ``nn.Module`` or the features are not
    floating-point tensors; ``ValueError`` if the two feature tensors differ in shape or
    are not 2-D with at least one row, if ``model`` does not return ``(N,)`` rewards,
    if ``epochs`` is not an int >= 1 or ``lr`` is not > 0.
    """
    raise NotImplementedError("reward_ranking.train_reward_model: not implemented yet")


def best_of_n(candidates: Sequence[str], reward_fn: Callable[[str], float]) -> str:
    """The candidate with the highest ``reward_fn(candidate)``; the first one on ties.

    ``reward_fn`` is called once per candidate and returns a number (an ``int``, a
    ``float`` or a one-element tensor). Raises ``TypeError`` if ``reward_fn`` is not
    callable or ``candidates`` is not a list/tuple; ``ValueError`` if there are no
    candidates or a reward is NaN.
    """
    raise NotImplementedError("reward_ranking.best_of_n: not implemented yet")


def dpo_loss(policy_chosen_logps: torch.Tensor, policy_rejected_logps: torch.Tensor,
             ref_chosen_logps: torch.Tensor, ref_rejected_logps: torch.Tensor,
             beta: float = 0.1) -> torch.Tensor:
    """The DPO loss (Rafailov et al. 2023, eq. 7), averaged over the batch.

    Each argument holds, per preference pair, the log-probability of a whole response
    under the policy being trained (``policy_*``) or under the frozen reference model
    (``ref_*``), for the chosen or the rejected response: floating-point tensors of one
    shape ``(B,)`` (any shape, as long as all four agree). The loss is

        mean( -logsigmoid( beta * ( (policy_chosen - ref_chosen)
                                   - (policy_rejected - ref_rejected) ) ) )

    i.e. the Bradley-Terry loss on the *implicit rewards* ``beta * log(pi / pi_ref)``.
    Returns a 0-dim tensor of the inputs' dtype, finite for any finite inputs.

    Raises ``TypeError`` if an argument is not a floating-point tensor; ``ValueError`` if
    the shapes differ, the tensors are empty, or ``beta`` is not > 0.
    """
    raise NotImplementedError("reward_ranking.dpo_loss: not implemented yet")
