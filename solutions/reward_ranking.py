"""RLHF: learning from an expert's ranking -- reference solution.

Cross-checked against TRL (not a dependency): ``RewardTrainer.compute_loss`` uses
``-logsigmoid(rewards_chosen - rewards_rejected - margin).mean()`` and
``DPOTrainer.dpo_loss`` (``loss_type="sigmoid"``) ``-logsigmoid(beta * logits)`` with
``logits = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)``, which is the
same expression as ours rearranged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn


def _check_float_tensor(x, name: str) -> None:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(x).__name__}")


def _check_same_shape(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def ranking_to_pairs(responses: Sequence[str], ranking: Sequence[int]) -> list[tuple[str, str]]:
    if not isinstance(responses, (list, tuple)) or not all(isinstance(r, str) for r in responses):
        raise TypeError("responses must be a list of str")
    if not isinstance(ranking, (list, tuple)) or not all(type(r) is int for r in ranking):
        raise TypeError("ranking must be a list of int ranks")
    if len(responses) != len(ranking):
        raise ValueError(f"responses and ranking must have the same length, "
                         f"got {len(responses)} and {len(ranking)}")
    if sorted(ranking) != list(range(len(ranking))):
        raise ValueError(f"ranking must be a permutation of 0..{len(ranking) - 1} "
                         f"(no ties, no gaps), got {list(ranking)}")
    by_rank = [None] * len(ranking)
    for response, rank in zip(responses, ranking):
        by_rank[rank] = response
    return [(by_rank[i], by_rank[j])
            for i in range(len(by_rank)) for j in range(i + 1, len(by_rank))]


def bradley_terry_loss(chosen: torch.Tensor, rejected: torch.Tensor,
                       margin: torch.Tensor | float | None = None) -> torch.Tensor:
    _check_float_tensor(chosen, "chosen")
    _check_float_tensor(rejected, "rejected")
    _check_same_shape(chosen, rejected, "chosen and rejected")
    if chosen.numel() == 0:
        raise ValueError("chosen and rejected must hold at least one pair")
    diff = chosen - rejected
    if margin is not None:
        if isinstance(margin, torch.Tensor):
            try:
                shape = torch.broadcast_shapes(margin.shape, diff.shape)
            except RuntimeError:
                shape = None
            if shape != diff.shape:
                raise ValueError(f"margin of shape {tuple(margin.shape)} does not broadcast "
                                 f"to the rewards' shape {tuple(diff.shape)}")
        elif isinstance(margin, bool) or not isinstance(margin, (int, float)):
            raise TypeError(f"margin must be None, a number or a tensor, got {type(margin).__name__}")
        diff = diff - margin
    return -F.logsigmoid(diff).mean()


def ranking_loss(rewards: torch.Tensor) -> torch.Tensor:
    _check_float_tensor(rewards, "rewards")
    if rewards.dim() != 2:
        raise ValueError(f"rewards must be 2-D (B, K), got shape {tuple(rewards.shape)}")
    batch, k = rewards.shape
    if batch < 1 or k < 2:
        raise ValueError(f"rewards needs B >= 1 prompts and K >= 2 responses, got {tuple(rewards.shape)}")
    better, worse = torch.triu_indices(k, k, offset=1, device=rewards.device)
    diff = rewards[:, better] - rewards[:, worse]            # (B, C(K, 2))
    # mean over the C(K, 2) pairs of each prompt, then over prompts (= one overall mean)
    return -F.logsigmoid(diff).mean()


def preference_accuracy(chosen: torch.Tensor, rejected: torch.Tensor) -> float:
    if not isinstance(chosen, torch.Tensor) or not isinstance(rejected, torch.Tensor):
        raise TypeError("chosen and rejected must be torch.Tensors")
    _check_same_shape(chosen, rejected, "chosen and rejected")
    if chosen.numel() == 0:
        raise ValueError("chosen and rejected must hold at least one pair")
    return float((chosen > rejected).double().mean())


class RewardModel(nn.Module):
    def __init__(self, in_features: int, hidden: int = 32, *, seed: int | None = None):
        super().__init__()
        for name, value in (("in_features", in_features), ("hidden", hidden)):
            if type(value) is not int or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features).squeeze(-1)


def train_reward_model(model: nn.Module, chosen_features: torch.Tensor,
                       rejected_features: torch.Tensor, *, epochs: int, lr: float,
                       seed: int = 0) -> list[float]:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check_float_tensor(chosen_features, "chosen_features")
    _check_float_tensor(rejected_features, "rejected_features")
    _check_same_shape(chosen_features, rejected_features, "chosen_features and rejected_features")
    if chosen_features.dim() != 2 or chosen_features.shape[0] < 1:
        raise ValueError(f"features must be 2-D (N, F) with N >= 1, got {tuple(chosen_features.shape)}")
    if type(epochs) is not int or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    was_training = model.training
    losses: list[float] = []
    devices = [chosen_features.device] if chosen_features.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        model.train()
        try:
            for _ in range(epochs):
                r_chosen, r_rejected = model(chosen_features), model(rejected_features)
                if r_chosen.shape != chosen_features.shape[:1]:
                    raise ValueError(f"model must return one reward per row, shape "
                                     f"({chosen_features.shape[0]},), got {tuple(r_chosen.shape)}")
                loss = bradley_terry_loss(r_chosen, r_rejected)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(float(loss.detach()))
        finally:
            model.train(was_training)
    return losses


def best_of_n(candidates: Sequence[str], reward_fn: Callable[[str], float]) -> str:
    if not callable(reward_fn):
        raise TypeError("reward_fn must be callable")
    if not isinstance(candidates, (list, tuple)):
        raise TypeError(f"candidates must be a list, got {type(candidates).__name__}")
    if len(candidates) == 0:
        raise ValueError("candidates must not be empty")
    best, best_reward = None, -math.inf
    for candidate in candidates:
        reward = float(reward_fn(candidate))
        if math.isnan(reward):
            raise ValueError(f"reward_fn returned NaN for {candidate!r}")
        if best is None or reward > best_reward:  # strict: the first one wins ties
            best, best_reward = candidate, reward
    return best


def dpo_loss(policy_chosen_logps: torch.Tensor, policy_rejected_logps: torch.Tensor,
             ref_chosen_logps: torch.Tensor, ref_rejected_logps: torch.Tensor,
             beta: float = 0.1) -> torch.Tensor:
    tensors = {"policy_chosen_logps": policy_chosen_logps,
               "policy_rejected_logps": policy_rejected_logps,
               "ref_chosen_logps": ref_chosen_logps, "ref_rejected_logps": ref_rejected_logps}
    for name, t in tensors.items():
        _check_float_tensor(t, name)
        _check_same_shape(t, policy_chosen_logps, f"{name} and policy_chosen_logps")
    if policy_chosen_logps.numel() == 0:
        raise ValueError("the log-probabilities must hold at least one pair")
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
        raise ValueError(f"beta must be a number > 0, got {beta!r}")
    chosen_reward = policy_chosen_logps - ref_chosen_logps        # log(pi / pi_ref), chosen
    rejected_reward = policy_rejected_logps - ref_rejected_logps  # log(pi / pi_ref), rejected
    return -F.logsigmoid(beta * (chosen_reward - rejected_reward)).mean()
