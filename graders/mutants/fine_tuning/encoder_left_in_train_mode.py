"""Computes the features without encoder.eval(): dropout is on and BatchNorm updates its running statistics."""
import torch

from graders.mutants.fine_tuning import _common
from solutions.fine_tuning import *


def _features_in_current_mode(encoder, inputs):
    with torch.no_grad():
        return encoder(inputs)  # in whatever mode the encoder is in


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    return _common.train_head(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed,
                              features_of=_features_in_current_mode)
