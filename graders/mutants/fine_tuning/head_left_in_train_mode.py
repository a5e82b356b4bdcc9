"""Leaves the head in train mode after training instead of restoring its previous mode."""
from solutions.fine_tuning import *
from solutions.fine_tuning import fine_tune as _reference


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    losses = _reference(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed)
    head.train()
    return losses
