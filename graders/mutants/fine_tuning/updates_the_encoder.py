"""Fine-tunes the encoder too: its parameters go into the optimizer and the features keep gradients."""
import torch

from graders.mutants.fine_tuning import _common
from solutions.fine_tuning import *


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    # A loop of its own: the features are recomputed every epoch, with gradients, and
    # (unlike train_head) neither module's mode is touched.
    _common.check_arguments(encoder, head, inputs, labels, epochs, lr)
    params = [p for p in list(encoder.parameters()) + list(head.parameters()) if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(epochs):
            features = _common.check_features(encoder(inputs))
            loss = _common.train_step(optimizer, head(features), labels)
            losses.append(float(loss.detach()))
    return losses
