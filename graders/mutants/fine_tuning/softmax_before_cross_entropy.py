"""Applies softmax to the logits before cross_entropy (which applies log-softmax itself)."""
import torch
import torch.nn.functional as F

from graders.mutants.fine_tuning import _common
from solutions.fine_tuning import *


def _softmax_then_cross_entropy(logits, labels):
    return F.cross_entropy(torch.softmax(logits, dim=-1), labels)


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    return _common.train_head(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed,
                              loss_fn=_softmax_then_cross_entropy)
