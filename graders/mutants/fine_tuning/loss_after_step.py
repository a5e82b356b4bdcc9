"""Records each epoch's loss after the optimizer step (re-evaluated), so the untrained loss is never reported."""
from solutions.fine_tuning import *  # noqa: F401,F403

from graders.mutants.fine_tuning import _common


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    return _common.train_head(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed,
                              loss_after_step=True)
