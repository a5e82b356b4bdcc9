"""Loss compares logits at t with the token at t (no shift): the model is taught to copy its input."""
import torch.nn.functional as F

from solutions.next_word_prediction import *  # noqa: F401,F403


def next_token_loss(logits, ids, ignore_index=-100):
    v = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, v), ids.reshape(-1), ignore_index=ignore_index)
