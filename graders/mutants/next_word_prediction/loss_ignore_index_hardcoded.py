"""Ignores the ignore_index argument (always -100) and averages over every target."""
import torch.nn.functional as F

from solutions.next_word_prediction import *  # noqa: F401,F403


def next_token_loss(logits, ids, ignore_index=-100):
    v = logits.shape[-1]
    targets = ids[..., 1:].reshape(-1)
    losses = F.cross_entropy(logits[..., :-1, :].reshape(-1, v), targets, reduction="none")
    return losses.sum() / targets.numel()
