"""Never calls optimizer.zero_grad(): each step uses the sum of all earlier gradients."""
from graders.mutants.fine_tuning import _common
from solutions.fine_tuning import *


def fine_tune(encoder, head, inputs, labels, *, epochs, lr, seed=0):
    return _common.train_head(encoder, head, inputs, labels, epochs=epochs, lr=lr, seed=seed,
                              zero_grad=False)
