"""Shared parts of the fine_tuning wrong implementations (not a mutant itself).

The ``fine_tune`` mutants all run the same plain training loop -- check the arguments,
compute the features once, train the head alone with Adam, one full-batch step per epoch,
and record each epoch's loss -- with one step of the recipe done wrong. :func:`train_head`
is that loop; its keyword arguments put a mistake back, so a mutant file shows just its
mistake. The loop is a plainer version of the reference ``solutions/fine_tuning.py``
(short error messages, the random state forked on the CPU only, the labels' range
checked every epoch).
"""
import torch
import torch.nn.functional as F

from solutions.fine_tuning import _frozen_features


def check_arguments(encoder, head, inputs, labels, epochs, lr):
    if not isinstance(encoder, torch.nn.Module) or not isinstance(head, torch.nn.Module):
        raise TypeError("encoder and head must be modules")
    if not isinstance(inputs, torch.Tensor) or not isinstance(labels, torch.Tensor) \
            or labels.is_floating_point():
        raise TypeError("inputs must be a tensor and labels an integer tensor")
    if labels.dim() != 1 or len(labels) != len(inputs) or type(epochs) is not int or epochs < 1 \
            or not lr > 0:
        raise ValueError("bad labels, epochs or lr")


def check_features(features):
    if features.dim() != 2:
        raise ValueError("the encoder must return 2-D features")
    return features


def train_step(optimizer, logits, labels, *, loss_fn=F.cross_entropy, zero_grad=True):
    """One optimizer step on ``loss_fn(logits, labels)``; returns that loss."""
    if labels.min() < 0 or labels.max() >= logits.shape[-1]:
        raise ValueError("labels out of range")
    loss = loss_fn(logits, labels)
    if zero_grad:
        optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def train_head(encoder, head, inputs, labels, *, epochs, lr, seed,
               features_of=_frozen_features, loss_fn=F.cross_entropy, zero_grad=True,
               loss_after_step=False):
    """``fine_tune`` done right, unless a keyword argument says otherwise:

    * ``features_of(encoder, inputs)`` computes the features (right: in eval mode, no gradients);
    * ``loss_fn(logits, labels)`` is the loss (right: cross-entropy of the raw logits);
    * ``zero_grad=False`` never clears the gradients between steps;
    * ``loss_after_step=True`` records the loss re-evaluated after each step, not the one
      the step was taken on.
    """
    check_arguments(encoder, head, inputs, labels, epochs, lr)
    features = check_features(features_of(encoder, inputs))
    optimizer = torch.optim.Adam([p for p in head.parameters() if p.requires_grad], lr=lr)
    was_training = head.training
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        head.train()
        for _ in range(epochs):
            loss = train_step(optimizer, head(features), labels, loss_fn=loss_fn,
                              zero_grad=zero_grad)
            if loss_after_step:
                with torch.no_grad():
                    loss = F.cross_entropy(head(features), labels)
            losses.append(float(loss.detach()))
    head.train(was_training)
    return losses
