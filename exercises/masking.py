"""Masking: masked language modelling (BERT) and attention masks.

Course: chapter 3, "Building blocks to train LLMs" -- masked language modeling
(and, for the attention masks, "Introducing the transformer").

**Masked language modelling.** Hide a word and train the model to recover it
from the words on *both* sides. The course hides "brown"::

    The quick brown fox jumps over the lazy dog .
    The quick [MASK] fox jumps over the lazy dog .      -> target: "brown"

On token ids, BERT's recipe (what Hugging Face's
``DataCollatorForLanguageModeling`` does) is:

1. *select* each position independently with probability ``mlm_probability``
   (0.15), except special positions ([CLS], [SEP], padding), which are never
   selected;
2. of the selected positions, replace 80 % by ``mask_token_id``, 10 % by a
   uniformly random id in ``[0, vocab_size)`` and leave 10 % unchanged (so the
   model cannot learn that "only [MASK] needs predicting");
3. ``labels`` hold the original id at the selected positions and ``-100``
   everywhere else: ``-100`` is the ``ignore_index`` of
   ``torch.nn.functional.cross_entropy``, so the loss only counts selected
   positions.

Hugging Face draws it in this order, which you may copy: ``selected =
bernoulli(p)`` (with ``p = 0`` at special positions); ``to_mask = bernoulli(0.8)
& selected``; ``to_random = bernoulli(0.5) & selected & ~to_mask`` (half of the
remaining 20 %); ``random_ids = randint(vocab_size)``. Any vectorised way with
the same probabilities is fine. Everything must be drawn for the whole tensor at
once (``torch.bernoulli``/``torch.rand``/``torch.randint`` with ``generator=``
and ``device=input_ids.device``) and combined with boolean masks and
``torch.where``: no Python loop over tokens. A GPU throughput test (and, on the
CPU, a count of the PyTorch operations you dispatch) checks this.

**Attention masks** (kit convention, like
``torch.nn.functional.scaled_dot_product_attention``): boolean, ``True`` = may
attend. A *causal* mask lets query ``i`` see keys ``0..i`` only (a decoder must
not peek at the future); a *padding* mask marks which positions of a padded
batch are real tokens.

Worked example::

    >>> mask_word(["The", "quick", "brown", "fox"], 2)
    (['The', 'quick', '[MASK]', 'fox'], 'brown')
    >>> causal_mask(2, 3)
    tensor([[ True, False, False],
            [ True,  True, False]])
    >>> padding_mask(torch.tensor([3, 1]))
    tensor([[ True,  True,  True],
            [ True, False, False]])

How it is checked: the course example; labels and special positions; on a large
seeded batch, the selection rate and the 80/10/10 split against binomial bounds
and against Hugging Face's ``DataCollatorForLanguageModeling``; uniform random
ids; reproducibility with a ``torch.Generator``; vectorisation; the masks against
``torch.ones(L, S).tril()`` and ``scaled_dot_product_attention(is_causal=True)``;
and every documented error, whose message must name the offending argument (the
kit's rule, e.g. ``"mlm_probability: expected a number in [0, 1], got 1.5"``).
"""

from __future__ import annotations

import torch


def mask_word(tokens: list[str], index: int, mask_token: str = "[MASK]") -> tuple[list[str], str]:
    """Hide ``tokens[index]``: return ``(new list with mask_token there, the hidden word)``.

    The input list is not modified. ``index`` follows Python's list indexing
    (``-1`` is the last token); out of range -> ``ValueError``. ``TypeError`` if
    ``tokens`` is not a list of ``str``, ``index`` not an ``int`` (``bool`` is
    not accepted) or ``mask_token`` not a ``str``.

        >>> mask_word(["a", "b", "c"], -1, mask_token="<mask>")
        (['a', 'b', '<mask>'], 'c')
    """
    raise NotImplementedError("masking.mask_word: not implemented yet")


def mask_tokens(input_ids: torch.Tensor, *, mask_token_id: int, vocab_size: int,
                special_tokens_mask: torch.Tensor | None = None, mlm_probability: float = 0.15,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masking of a batch of token ids: returns ``(masked_ids, labels)``.

    ``input_ids``: a ``torch.long`` tensor of any shape (usually ``(B, L)``).
    ``special_tokens_mask``: ``None`` (no position is special) or a ``torch.bool``
    tensor of the same shape, ``True`` at positions that must never be selected.
    ``generator``: ``None`` (PyTorch's global generator) or a ``torch.Generator``
    on the inputs' device; pass it to every random draw.

    Returns two new ``torch.long`` tensors of the input's shape, on its device:
    ``masked_ids`` (the input with the selected positions replaced 80/10/10 as in
    the module docstring) and ``labels`` (the original id at selected positions,
    ``-100`` elsewhere). ``input_ids`` is not modified.

    Errors: ``TypeError`` if ``input_ids`` is not a ``torch.long`` tensor,
    ``special_tokens_mask`` not a bool tensor, ``mask_token_id``/``vocab_size``
    not ``int``, ``mlm_probability`` not a real number, or ``generator`` not a
    ``torch.Generator``. ``ValueError`` if ``mlm_probability`` is outside
    ``[0, 1]`` (or NaN), ``vocab_size < 1``, ``mask_token_id`` outside
    ``[0, vocab_size)``, ``special_tokens_mask`` has another shape, or the
    generator is on another device type than ``input_ids``.
    """
    raise NotImplementedError("masking.mask_tokens: not implemented yet")


def causal_mask(q_len: int, k_len: int | None = None, *, device=None) -> torch.Tensor:
    """A ``(q_len, k_len)`` bool mask, ``True`` where query ``i`` may attend to key ``j``: ``j <= i``.

    Aligned at the top-left corner, exactly like ``is_causal=True`` in
    ``torch.nn.functional.scaled_dot_product_attention`` (also when
    ``q_len != k_len``): it equals ``torch.ones(q_len, k_len, dtype=torch.bool).tril()``.
    ``k_len`` defaults to ``q_len``; the mask is created on ``device`` (default:
    PyTorch's default device). ``TypeError`` for lengths that are not ``int``;
    ``ValueError`` for negative lengths.
    """
    raise NotImplementedError("masking.causal_mask: not implemented yet")


def padding_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """A ``(B, S)`` bool mask, ``True`` on real tokens: ``mask[b, s] = s < lengths[b]``.

    ``lengths``: a 1-D integer tensor (one length per sequence); ``S`` is
    ``max_len``, default the largest length. On the device of ``lengths``.
    ``TypeError`` if ``lengths`` is not an integer tensor (or ``max_len`` not an
    ``int``); ``ValueError`` if ``lengths`` is not 1-D, holds a negative length,
    or ``max_len`` is shorter than the longest sequence.
    """
    raise NotImplementedError("masking.padding_mask: not implemented yet")
