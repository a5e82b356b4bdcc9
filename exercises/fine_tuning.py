"""Fine-tuning: adapting a pre-trained model to a new task.

Course: chapter 2, "Fine-tuning" -- pre-training vs fine-tuning.

Pre-training teaches a model language in general, on a huge corpus, at a huge cost.
Fine-tuning adapts it to one task with a little labelled data and a single machine.
The cheapest kind of fine-tuning keeps the pre-trained **encoder frozen** (its weights do
not change) and trains only a small **classifier head** on the encoder's features: a
"linear probe". Few parameters are trained, so little data and little compute are
needed, and the encoder can be shared by many tasks.

What you write:

* :func:`freeze` -- switch off gradients for every parameter of a module;
* :func:`count_trainable_parameters` -- how many numbers an optimizer would change;
* :class:`ClassifierHead` -- a linear layer from features to class scores (logits);
* :func:`fine_tune` -- train the head on the frozen encoder's features.

**What ``inputs`` is.** ``fine_tune`` calls ``encoder(inputs)`` once, so ``inputs`` is
whatever *one batch* of the encoder's input is, as a tensor:

* for the kit's encoders, ``kit.encoders.small_encoder()`` (a small encoder the kit
  pre-trains on its own corpus; 32 features) and ``kit.encoders.pretrained_encoder()``
  (the real pre-trained MiniLM sentence encoder; 384 features; the ``pretrained`` extra),
  ``inputs`` is a ``LongTensor (N, L)`` of token ids made by ``encoder.token_ids(texts)``;
* for a plain PyTorch encoder (say ``nn.Sequential(nn.Linear(6, 5), nn.Tanh())``) it is
  a float tensor ``(N, 6)``.

Either way the encoder must return float features ``(N, in_features)``, one row per
example, and ``labels`` is a ``LongTensor (N,)`` of class indices.

Worked example::

    >>> from kit.encoders import small_encoder
    >>> from kit.datasets import labelled_sentences
    >>> encoder = small_encoder()
    >>> texts, labels = labelled_sentences("topic", split="train")    # 45 sentences, 3 topics
    >>> head = ClassifierHead(32, 3, seed=0)
    >>> losses = fine_tune(encoder, head, encoder.token_ids(texts), torch.from_numpy(labels),
    ...                    epochs=200, lr=0.05)
    >>> len(losses), losses[-1] < losses[0]
    (200, True)

On the held-out sentences the trained head beats the zero-shot baseline (the nearest
topic name by cosine similarity of the encoder's features) by a wide margin.

How it is checked: parameters and flags on small modules (tied weights, buffers,
partly frozen models); the training curve and the trained head against a reference run
of the recipe below; the encoder compared bit for bit before and after (weights *and*
buffers, e.g. a BatchNorm's running statistics); the held-out accuracy on the kit's
labelled set with the kit's small encoder, and with the pretrained extra, with the real
pre-trained encoder; and every documented error, whose ``TypeError``/``ValueError``
message must name the offending argument (the kit's rule, e.g. ``"features: expected
last dimension 8, got 7"``).
"""

from __future__ import annotations

import torch
from torch import nn


def freeze(module: nn.Module) -> nn.Module:
    """Set ``requires_grad = False`` on every parameter of ``module``; return ``module``.

    The module itself is changed (not a copy) and returned, so ``freeze(encoder)`` can be
    used in an expression. Buffers (e.g. BatchNorm running statistics) are not parameters
    and are left alone. Raises ``TypeError`` if ``module`` is not an ``nn.Module``.
    """
    raise NotImplementedError("fine_tuning.freeze: not implemented yet")


def count_trainable_parameters(module: nn.Module) -> int:
    """The number of scalar values in the parameters of ``module`` that require grad.

    A ``Linear(4, 3)`` has ``4 * 3 + 3 = 15``. A parameter shared by two sub-modules
    (tied weights) counts once -- ``module.parameters()`` lists each parameter once.
    Buffers are not parameters. Returns a Python ``int``; raises ``TypeError`` if
    ``module`` is not an ``nn.Module``.
    """
    raise NotImplementedError("fine_tuning.count_trainable_parameters: not implemented yet")


class ClassifierHead(nn.Module):
    """A linear classifier on top of an encoder: features ``(..., in_features)`` -> logits.

    Holds one ``nn.Linear(in_features, n_classes)`` named ``linear`` (so
    ``in_features * n_classes + n_classes`` parameters). ``forward(features)`` returns the
    logits ``(..., n_classes)`` (no softmax: ``cross_entropy`` wants logits).

    ``in_features`` must be an int >= 1 and ``n_classes`` an int >= 2 (``ValueError``
    otherwise, a ``float`` included); ``forward`` raises ``ValueError`` (naming
    ``features``) if the features' last dimension is not ``in_features``. With ``seed=None`` the initial weights come from PyTorch's default
    initialisation and the global random generator; with an int ``seed`` build the layer
    inside ``torch.random.fork_rng(devices=[])`` after ``torch.manual_seed(seed)``, so the
    same seed gives the same head and the caller's random state is left alone.
    """

    def __init__(self, in_features: int, n_classes: int, *, seed: int | None = None):
        super().__init__()
        raise NotImplementedError("fine_tuning.ClassifierHead: not implemented yet")

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("fine_tuning.ClassifierHead.forward: not implemented yet")


def fine_tune(encoder: nn.Module, head: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, *,
              epochs: int, lr: float, seed: int = 0) -> list[float]:
    """Train ``head`` on the frozen ``encoder``'s features; return the loss of every epoch.

    The recipe (follow it exactly: the result is compared with a reference run):

    1. **Features, once.** Put the encoder in eval mode (no dropout; a BatchNorm uses its
       running statistics instead of updating them) and compute
       ``features = encoder(inputs)`` under ``torch.no_grad()``; then put the encoder
       back in the mode it was in. The encoder is frozen, so its features are the same
       every epoch.
    2. **Full-batch training.** ``optimizer = torch.optim.Adam(params, lr=lr)`` (default
       betas, no weight decay) where ``params`` are the head's parameters that require
       grad. Each of the ``epochs`` epochs: ``logits = head(features)``,
       ``loss = torch.nn.functional.cross_entropy(logits, labels)`` (mean over the ``N``
       examples), ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``.
    3. Return ``[loss of epoch 0, loss of epoch 1, ...]``: ``epochs`` Python floats, each
       computed *before* that epoch's step (so the first is the untrained head's loss).

    The head is in train mode while training and back in its previous mode afterwards.
    Training runs inside ``torch.random.fork_rng()`` seeded with ``seed``, so a head with
    dropout trains reproducibly and the caller's random state is left alone.

    The encoder is not changed in any way: afterwards its weights and buffers are
    bit-identical to before, and it is in the same mode.

    ``inputs``: one batch of the encoder's input as a tensor -- see the module docstring
    (token ids ``(N, L)`` for the kit's encoders, a float ``(N, d)`` tensor for a plain
    PyTorch encoder). ``labels``: integer class indices ``(N,)``, each in
    ``0..n_classes-1`` where ``n_classes`` is the width of the head's output; they are
    moved to the features' device.

    Raises ``TypeError`` if ``encoder`` or ``head`` is not an ``nn.Module``, ``inputs`` is
    not a tensor, or ``labels`` is not an integer tensor; ``ValueError`` if ``labels`` is
    not 1-D with one label per input row, the encoder does not return 2-D float features
    with one row per input, a label is outside ``0..n_classes-1``, ``epochs`` is not an
    int >= 1, or ``lr`` is not > 0.
    """
    raise NotImplementedError("fine_tuning.fine_tune: not implemented yet")
