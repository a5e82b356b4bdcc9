"""Transformer: encoder and decoder blocks, and a tiny language model.

Course: chapter 3, "Introducing the transformer".

The course follows a transformer as it completes the sentence "Jane, who lives
in New York and works as a software" with "engineer, loves exploring new
restaurants in the city": the words become vectors (embeddings), each vector is
told *where* its word is (positional encoding), a stack of blocks lets the words
look at each other (attention) and think about what they saw (a small neural
network), and the last vector scores every word of the vocabulary as the next
word. The best one is appended and the whole thing runs again, one word at a
time. In this exercise you build that machine from your own pieces: your
``attention.MultiHeadAttention`` and your ``positional_encoding``.

**FeedForward** -- the "neural network" of a block, applied to every position
on its own: ``linear2(gelu(linear1(x)))``, widening ``d_model -> d_ff`` and back.
GELU is ``torch.nn.functional.gelu`` with its default, exact (erf) form -- not
ReLU, and not the tanh approximation.

**TransformerBlock** -- *pre-layer-norm* residual block (as in GPT-2 and most
models since; the 2017 paper normalised *after* adding, which trains less
stably)::

    x = x + attention(norm1(x))           # self-attention, causal if the block is
    x = x + feed_forward(norm2(x))

The residual ``x + ...`` lets each block add a correction instead of replacing
what it was given. An *encoder* block (``causal=False``) lets every word see the
whole sentence; a *decoder* block (``causal=True``) lets word ``i`` see only
words ``0..i`` -- it must not peek at the word it is asked to predict.

**TinyLanguageModel** -- ``ids (B, L)`` to next-word scores (logits) ``(B, L, vocab)``::

    x = embedding(ids) + positions[:L]    # (B, L, d_model): what and where
    x = block(x) for each causal block
    logits = lm_head(norm(x))             # a final LayerNorm, then d_model -> vocab

``logits[b, i]`` scores the word that follows ``ids[b, :i+1]``. Because every
block is causal, changing a *later* word never changes an earlier position's
logits.

**generate** -- start from a prompt and repeat ``max_new_tokens`` times: run the
model on the ids so far, take the logits of the *last* position, pick the next
id (greedy: the highest score; or sample from ``softmax(logits / temperature)``),
and append it.

Given complete (do not rename the attributes: the tests load weights into
them): every ``__init__`` below. The tests train your model on the course's
sentence with ``kit.tiny_lm.train_tiny_lm``, a short training loop.

Worked example (what the tests do; ``kit.tiny_lm`` has the sentence and its vocabulary)::

    >>> from kit.tiny_lm import PROMPT, TINY_CONFIG, sentence_vocabulary, train_tiny_lm
    >>> vocab = sentence_vocabulary()
    >>> model = TinyLanguageModel(len(vocab), **TINY_CONFIG)
    >>> losses = train_tiny_lm(model)                  # a few seconds at most on a CPU
    >>> vocab.decode(generate(model, torch.tensor(vocab.encode(PROMPT)), 9))
    'Jane, who lives in New York and works as a software engineer, loves exploring new restaurants in the city'

How it is checked: ``FeedForward`` against linear-GELU-linear computed by the
tests; ``TransformerBlock`` against ``torch.nn.TransformerEncoderLayer``
(``norm_first=True``, GELU) loaded with the same weights; ``TinyLanguageModel`` against the same layers put together by the
tests, and causality (changing a future token changes no earlier logits);
``generate`` with small models whose next word is known (greedy, shapes, the
prompt kept, sampling frequencies and reproducibility with a generator); the
course example above; and every documented error, whose message must name the
offending argument (the kit's rule, e.g. ``"prompt_ids: expected an integer
tensor, got torch.float32"``).
"""

from __future__ import annotations

import torch
from torch import nn

from .attention import MultiHeadAttention
from .positional_encoding import sinusoidal_positional_encoding


class FeedForward(nn.Module):
    """Position-wise feed-forward network ``linear2(gelu(linear1(x)))``."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., d_model) -> (..., d_model)``: ``linear1``, exact GELU, ``linear2``."""
        raise NotImplementedError("transformer.FeedForward.forward: not implemented yet")


class TransformerBlock(nn.Module):
    """Pre-layer-norm transformer block; ``causal=True`` makes it a decoder block."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, *, causal: bool):
        super().__init__()
        self.causal = bool(causal)
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, L, d_model) -> (B, L, d_model)``.

        ``x + attn(norm1(x))`` (self-attention; ``is_causal=self.causal``; ``attn``
        returns ``(output, weights)``: use the output), then ``x + ff(norm2(x))``.
        Errors (wrong shapes) come from your ``MultiHeadAttention``.
        """
        raise NotImplementedError("transformer.TransformerBlock.forward: not implemented yet")


class TinyLanguageModel(nn.Module):
    """A decoder-only language model: embedding + positions, causal blocks, norm, ``lm_head``.

    ``positions`` is a buffer ``(max_len, d_model)`` from your
    ``sinusoidal_positional_encoding``; ``blocks`` are ``n_layers`` causal
    :class:`TransformerBlock`; ``norm`` a final ``LayerNorm``; ``lm_head`` a
    ``Linear(d_model, vocab_size)``. The token embedding is not rescaled.
    """

    def __init__(self, vocab_size: int, d_model: int, n_heads: int, n_layers: int, d_ff: int,
                 max_len: int):
        super().__init__()
        self.max_len = max_len
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.register_buffer("positions", sinusoidal_positional_encoding(max_len, d_model),
                             persistent=False)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff, causal=True)
                                    for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, L, vocab_size)`` for integer ids ``(B, L)``.

        ``embedding(ids) + positions[:L]``, every block in order, ``norm``, ``lm_head``.

        Raises ``TypeError`` if ``ids`` is not an integer tensor; ``ValueError`` if
        it is not 2-D or its length ``L`` is not between 1 and ``max_len``. Each
        message names ``ids`` (a length error may name ``max_len`` instead).
        """
        raise NotImplementedError("transformer.TinyLanguageModel.forward: not implemented yet")


def generate(model: nn.Module, prompt_ids: torch.Tensor, max_new_tokens: int, *,
             temperature: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """The prompt followed by ``max_new_tokens`` generated ids, one at a time.

    ``model`` maps ids ``(B, L)`` to logits ``(B, L, vocab)`` (any such module, not
    only :class:`TinyLanguageModel`). ``prompt_ids`` is ``(L,)`` or ``(B, L)``; the
    result has the same number of dimensions, ``L + max_new_tokens`` ids per row,
    the prompt's dtype and device, and is a new tensor (the prompt is unchanged).

    Each step uses the logits of the last position only. ``temperature == 0``:
    greedy, ``argmax`` (the lowest id on a tie; ``generator`` is not used).
    ``temperature > 0``: sample from ``softmax(logits / temperature)`` with
    ``torch.multinomial(..., generator=generator)`` (same seed, same result). If
    the model has a ``max_len`` attribute, only the last ``max_len`` ids are fed
    to it, so generation may run past ``max_len``. Run under ``torch.no_grad()``;
    the model's train/eval mode is left as it is.

    Raises ``TypeError`` if ``prompt_ids`` is not an integer tensor, if
    ``max_new_tokens`` is not an int or ``temperature`` not a number;
    ``ValueError`` if ``prompt_ids`` is not 1-D or 2-D or is empty, if
    ``max_new_tokens < 0`` or ``temperature < 0``.

        >>> bigram = nn.Embedding.from_pretrained(torch.eye(3).roll(1, dims=1))  # id -> logits
        >>> generate(bigram, torch.tensor([0]), 4)      # 0 -> 1 -> 2 -> 0 -> 1
        tensor([0, 1, 2, 0, 1])
    """
    raise NotImplementedError("transformer.generate: not implemented yet")
