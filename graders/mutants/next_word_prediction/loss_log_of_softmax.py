"""Computes log(softmax(logits)) by hand: underflows to -inf (an infinite loss) for large logits."""
import torch

from solutions.next_word_prediction import *  # noqa: F401,F403


def next_token_loss(logits, ids, ignore_index=-100):
    v = logits.shape[-1]
    log_probs = torch.log(torch.softmax(logits[..., :-1, :].reshape(-1, v), dim=-1))
    targets = ids[..., 1:].reshape(-1)
    keep = targets != ignore_index
    picked = log_probs[keep].gather(1, targets[keep][:, None])
    return -picked.mean()
