"""A small sentiment classifier over token embeddings for the explainability exercise (given complete).

The model the ``explainability`` exercise explains. It is deliberately small, so that
the kit trains it itself, offline, in well under a second on a CPU:

* :func:`tokens` -- lower-cased words (``"The food was terrible!"`` ->
  ``["the", "food", "was", "terrible"]``);
* :class:`SentimentClassifier` -- ``embed(tokens)`` looks the words up in a learned
  embedding table, ``(L, D)``; calling the model on those embeddings gives three logits,
  one per label of :data:`LABELS`. Each token goes through a small layer
  (``tanh``), the results are averaged over the sentence and a last layer scores the
  labels. It also accepts a batch ``(B, L, D) -> (B, 3)``;
* :func:`sentiment_classifier` -- a fresh copy of the classifier trained (seeded,
  deterministic) on the kit's 90 labelled sentences (``kit.datasets.labelled_sentences``,
  sentiment task), in eval mode;
* :func:`reinitialized` -- a copy of a model whose layers are re-initialised at random:
  the "model randomisation" sanity check of Adebayo et al. (2018) compares explanations
  of the trained model with explanations of this copy;
* :func:`model_state` -- a model's train/eval modes, ``requires_grad`` flags and
  whether its weights hold a ``.grad`` (tests use it to check that explaining a model
  leaves it as it was).

    >>> model = sentiment_classifier()
    >>> words = tokens("the food was terrible")
    >>> embeddings = model.embed(words)            # (4, 16) float32
    >>> LABELS[int(model(embeddings).argmax())]
    'negative'
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence

import torch
from torch import nn

from . import datasets
from .encoders import words as content_words

#: The classifier's labels, in logit order (the kit's sentiment labels).
LABELS: tuple[str, ...] = datasets.SENTIMENTS
UNKNOWN_ID = 0
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    """Lower-cased words of ``text``, punctuation dropped: the classifier's tokens."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


class SentimentClassifier(nn.Module):
    """Token embeddings ``(..., L, D)`` -> sentiment logits ``(..., 3)``.

    ``logits = output(tanh(sentence_layer(dropout(mean over tokens of
    tanh(token_layer(x))))))``. Only content words have an embedding of their own:
    function words ("the", "was", ...; the short list of :func:`kit.encoders.words`) and
    words outside ``vocabulary`` share id 0.
    """

    def __init__(self, vocabulary: Sequence[str], dim: int = 16, hidden: int = 16,
                 dropout: float = 0.3):
        super().__init__()
        self.vocabulary = list(vocabulary)
        self.index = {w: i + 1 for i, w in enumerate(self.vocabulary)}
        self.embedding = nn.Embedding(len(self.vocabulary) + 1, dim)
        self.token_layer = nn.Linear(dim, hidden)
        self.dropout = nn.Dropout(dropout)
        self.sentence_layer = nn.Linear(hidden, hidden)
        self.output = nn.Linear(hidden, len(LABELS))

    def token_ids(self, words: Sequence[str]) -> torch.Tensor:
        """``LongTensor (L,)``: the id of each word (0 for an unknown word)."""
        if isinstance(words, str) or not all(isinstance(w, str) for w in words):
            raise TypeError("words must be a list of str (use kit.sentiment.tokens(text))")
        return torch.tensor([self.index.get(w, UNKNOWN_ID) for w in words], dtype=torch.long)

    def embed(self, words: Sequence[str]) -> torch.Tensor:
        """The words' embeddings, a float32 ``(L, D)`` tensor (a copy, without gradient)."""
        return self.embedding(self.token_ids(words)).detach().clone()

    def forward(self, embeddings: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        hidden = torch.tanh(self.token_layer(embeddings))
        if mask is None:
            pooled = hidden.mean(dim=-2)
        else:  # padded batches (training): average over the real tokens only
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=-2) / weights.sum(dim=-2)
        return self.output(torch.tanh(self.sentence_layer(self.dropout(pooled))))


@functools.lru_cache(maxsize=1)
def _trained_state(steps: int = 150, lr: float = 0.03, weight_decay: float = 1e-2, seed: int = 0):
    """Train on all 90 labelled sentences (full-batch Adam, seeded); cached per process.

    About half a second on one CPU core.
    """
    texts, labels = datasets.labelled_sentences("sentiment")
    sentences = [tokens(t) for t in texts]
    # Content words only: in the kit's 90 sentences "was" is twice as common in negative
    # as in positive ones, and a model with its own embedding for it leans on it.
    vocabulary = sorted({w for t in texts for w in content_words(t)})
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny problem; one thread is also bit-for-bit repeatable
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = SentimentClassifier(vocabulary)
            ids = torch.zeros(len(sentences), max(map(len, sentences)), dtype=torch.long)
            mask = torch.zeros(ids.shape, dtype=torch.bool)
            for i, sentence in enumerate(sentences):
                ids[i, :len(sentence)] = model.token_ids(sentence)
                mask[i, :len(sentence)] = True
            target = torch.as_tensor(labels)
            # Adam with L2 weight decay (as torch.optim.Adam), written out: importing
            # torch.optim costs seconds, ten times this training.
            params = list(model.parameters())
            moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
            model.train()
            for step in range(1, steps + 1):
                loss = nn.functional.cross_entropy(model(model.embedding(ids), mask), target)
                grads = torch.autograd.grad(loss, params)
                with torch.no_grad():
                    for p, g, (m, v) in zip(params, grads, moments):
                        g = g + weight_decay * p
                        m.mul_(0.9).add_(g, alpha=0.1)
                        v.mul_(0.999).addcmul_(g, g, value=0.001)
                        m_hat, v_hat = m / (1 - 0.9 ** step), v / (1 - 0.999 ** step)
                        p.sub_(lr * m_hat / (v_hat.sqrt() + 1e-8))
    finally:
        torch.set_num_threads(threads)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return tuple(vocabulary), state, float(loss.detach())


def sentiment_classifier() -> SentimentClassifier:
    """A fresh copy of the kit's trained sentiment classifier, in eval mode."""
    vocabulary, state, _ = _trained_state()
    model = SentimentClassifier(vocabulary)
    model.load_state_dict(state)
    return model.eval()


def reinitialized(model: nn.Module, seed: int = 0) -> nn.Module:
    """A copy of ``model`` with every layer re-initialised at random (seeded).

    Every submodule that has a ``reset_parameters`` method gets it called, as when the
    model was first built; ``model`` itself and the global random state are unchanged.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    fresh = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for module in fresh.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    return fresh


def model_state(model: nn.Module) -> dict:
    """What an explanation method must leave as it found it (plain data, for tests).

    ``{"training": {module name: bool}, "requires_grad": {parameter name: bool},
    "has_grad": {parameter name: bool}}`` -- the root module is named ``""``.
    """
    return {
        "training": {name: module.training for name, module in model.named_modules()},
        "requires_grad": {name: p.requires_grad for name, p in model.named_parameters()},
        "has_grad": {name: p.grad is not None for name, p in model.named_parameters()},
    }
