"""Records each epoch's loss after the optimizer step (re-evaluated), so the untrained loss is never reported."""
from graders.mutants.fine_tuning import _common
from solutions.fine_tuning import *


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    return _common.train_head(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed,
                              loss_after_step=True)
