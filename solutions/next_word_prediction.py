"""Next-word prediction: training pairs, an n-gram language model, the shifted loss (reference)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F

import kit

PIZZA_CORPUS = Path(kit.__file__).resolve().parent / "data" / "next_word_pizza.txt"


def load_pizza_corpus() -> list[list[str]]:
    """The kit's small corpus about pizza: one list of tokens per sentence (given)."""
    lines = PIZZA_CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip()]


def _check_tokens(tokens, name: str) -> None:
    if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(f"{name} must be a list of str, got {type(tokens).__name__}")


def next_word_pairs(tokens: list[str]) -> list[tuple[list[str], str]]:
    _check_tokens(tokens, "tokens")
    return [(list(tokens[:i]), tokens[i]) for i in range(1, len(tokens))]


class NGramLanguageModel:
    """Maximum-likelihood n-gram model with back-off to shorter contexts."""

    def __init__(self, n: int = 2):
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        self.n = n
        self.counts: dict[tuple[str, ...], Counter] | None = None

    def fit(self, corpus: list[list[str]]) -> NGramLanguageModel:
        if not isinstance(corpus, (list, tuple)):
            raise TypeError(f"corpus must be a list of token lists, got {type(corpus).__name__}")
        for sentence in corpus:
            _check_tokens(sentence, "each sentence of corpus")
        counts: dict[tuple[str, ...], Counter] = {}
        for sentence in corpus:
            for j, word in enumerate(sentence):
                # the word follows every context of 0 .. n-1 words that ends just before it
                for k in range(min(self.n - 1, j) + 1):
                    context = tuple(sentence[j - k:j])
                    counts.setdefault(context, Counter())[word] += 1
        if () not in counts:
            raise ValueError("corpus must contain at least one word")
        self.counts = counts
        return self

    def _distribution(self, context) -> Counter:
        if self.counts is None:
            raise ValueError("the model is not fitted yet: call fit(corpus) first")
        _check_tokens(context, "context")
        longest = min(self.n - 1, len(context))
        for k in range(longest, 0, -1):
            suffix = tuple(context[len(context) - k:])
            if suffix in self.counts:
                return self.counts[suffix]
        return self.counts[()]

    def probabilities(self, context: list[str]) -> dict[str, float]:
        counts = self._distribution(context)
        total = sum(counts.values())
        return {word: c / total for word, c in counts.items()}

    def predict(self, context: list[str]) -> str:
        counts = self._distribution(context)
        best = max(counts.values())
        return min(word for word, c in counts.items() if c == best)

    def generate(self, prompt: list[str], max_new_tokens: int) -> list[str]:
        _check_tokens(prompt, "prompt")
        if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int):
            raise TypeError(f"max_new_tokens must be an int, got {type(max_new_tokens).__name__}")
        if max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
        tokens = list(prompt)
        for _ in range(max_new_tokens):
            tokens.append(self.predict(tokens))
        return tokens

    def perplexity(self, tokens: list[str]) -> float:
        _check_tokens(tokens, "tokens")
        if len(tokens) < 2:
            raise ValueError(f"tokens must hold at least 2 tokens, got {len(tokens)}")
        total_log_prob = 0.0
        pairs = next_word_pairs(list(tokens))
        for context, word in pairs:
            p = self.probabilities(context).get(word, 0.0)
            if p == 0.0:
                return math.inf
            total_log_prob += math.log(p)
        return math.exp(-total_log_prob / len(pairs))


def _check_ids(ids, name: str = "ids") -> None:
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(ids).__name__}")
    if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
        raise TypeError(f"{name} must be an integer tensor, got {ids.dtype}")
    if ids.dim() < 1 or ids.shape[-1] < 2:
        raise ValueError(f"{name} must have a last (sequence) dimension of at least 2, "
                         f"got shape {tuple(ids.shape)}")


def shift_for_next_token(ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    _check_ids(ids)
    return ids[..., :-1], ids[..., 1:]


def next_token_loss(logits: torch.Tensor, ids: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    if not isinstance(logits, torch.Tensor) or not logits.dtype.is_floating_point:
        raise TypeError(f"logits must be a floating-point torch.Tensor, got "
                        f"{getattr(logits, 'dtype', type(logits).__name__)}")
    _check_ids(ids)
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, int):
        raise TypeError(f"ignore_index must be an int, got {type(ignore_index).__name__}")
    if logits.dim() != ids.dim() + 1 or logits.shape[:-1] != ids.shape:
        raise ValueError(f"logits must have shape ids.shape + (vocab,): got logits "
                         f"{tuple(logits.shape)} and ids {tuple(ids.shape)}")
    vocab = logits.shape[-1]
    predictions = logits[..., :-1, :].reshape(-1, vocab)   # position t predicts token t+1
    targets = ids[..., 1:].reshape(-1).long()
    return F.cross_entropy(predictions, targets, ignore_index=ignore_index)
