"""Attention: self-attention and multi-head attention.

Course: chapter 3, "Attention mechanisms" (self-attention and multi-head attention).

At a noisy party you follow the speakers that matter to you and tune out the rest.
Attention lets every word of a sentence do the same: each word (a *query*) scores
every word it may look at (the *keys*), turns the scores into weights that sum to
1, and takes the weighted average of those words' *values*. In "The boy went to
the store ... and he found a discount", the query "he" should put most of its
weight on the key "boy".

**Scaled dot-product attention.** With queries ``q`` of shape ``(..., L, E)``,
keys ``k`` of shape ``(..., S, E)`` and values ``v`` of shape ``(..., S, Ev)``::

    scores  = q @ k^T * scale                  # (..., L, S), scale = 1/sqrt(E)
    scores  = -inf where the mask says no      # a masked key gets weight exactly 0
    weights = softmax(scores over the keys)    # each row sums to 1
    output  = weights @ v                      # (..., L, Ev)

Why ``1/sqrt(E)``: the dot product of two random E-dimensional vectors grows like
``sqrt(E)``; without the scale the softmax saturates and one key takes all the
weight. Masks are **boolean, True = may attend** (PyTorch's convention), of any
shape that broadcasts to ``(..., L, S)``: ``(L, S)`` for one mask for everything,
``(B, 1, 1, S)`` to hide padding keys. ``is_causal=True`` lets query ``i`` see only
keys ``0..i`` -- the mask ``torch.ones(L, S, dtype=torch.bool).tril()``, aligned
at the top-left like PyTorch's, also when ``L != S``. Mask before the softmax,
never after: zeroing weights after the softmax leaves rows that no longer sum
to 1. A query with *no* allowed key would compute ``0/0 = NaN``; here it must get
zero weights and a zero output instead (PyTorch's
``torch.nn.functional.scaled_dot_product_attention`` does the same).

**Multi-head attention.** One attention looks at one kind of relation at a
time. Multi-head attention projects the input into ``H`` smaller pieces (*heads*),
lets each attend on its own (one "channel" for who, one for what is done, one for
the things involved), then concatenates the heads and mixes them with one more
projection::

    (B, L, D) --q_proj--> (B, L, D) --split_heads--> (B, H, L, D/H)
                       attention on every head at once (no Python loop)
    (B, H, L, D/H) --merge_heads--> (B, L, D) --out_proj--> (B, L, D)

``split_heads`` cuts the *feature* axis into ``H`` consecutive chunks of
``D/H``: head 0 gets features ``0..D/H-1``, head 1 the next ``D/H``, and so on
(reshape to ``(B, L, H, D/H)``, then move the head axis in front of ``L``). This
is the layout of ``torch.nn.MultiheadAttention``, so its weights can be loaded
into yours.

Worked example::

    >>> q = k = v = torch.eye(2)[None]                  # (1, 2, 2): two orthogonal tokens
    >>> out, w = scaled_dot_product_attention(q, k, v, scale=100.0)
    >>> w.round(decimals=4)                             # each token attends to itself
    tensor([[[1., 0.],
             [0., 1.]]])
    >>> out, w = scaled_dot_product_attention(q, k, v, is_causal=True)
    >>> w[0, 0]                                         # token 0 cannot see token 1
    tensor([1., 0.])

How it is checked: against ``torch.nn.functional.scaled_dot_product_attention``
(masks, ``is_causal``, ``scale``, ``L != S``, several leading dimensions, float32
and float64), fully masked rows (zeros, never NaN, also in the gradients), the
weights summing to 1 over the keys, ``MultiHeadAttention`` loaded with the
weights of a ``torch.nn.MultiheadAttention``, every documented error (its message
must name the offending argument -- the kit's rule, e.g. ``"mask: expected a bool
tensor, got torch.float32"``; for a mismatch between two arguments, such as ``k``
and ``v`` of different lengths, either name will do), and vectorisation: the number of matrix multiplications must not grow with the number
of heads (on a GPU, a throughput test against PyTorch's math backend).
"""

from __future__ import annotations

import torch
from torch import nn


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None, *, is_causal: bool = False,
                                 scale: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention of queries ``q`` over keys ``k`` and values ``v``; returns ``(output, weights)``.

    Shapes: ``q`` ``(..., L, E)``, ``k`` ``(..., S, E)``, ``v`` ``(..., S, Ev)``, the
    same leading dimensions ``...`` (any number of them, e.g. ``(B, H)``). Returns
    ``output`` ``(..., L, Ev)`` and ``weights`` ``(..., L, S)``, both of ``q``'s
    dtype and device; each row of ``weights`` sums to 1 over the keys, except a row
    whose query may attend to no key at all: its weights and its output are 0.

    ``mask``: a bool tensor, True = may attend, broadcastable to ``(..., L, S)``.
    ``is_causal=True``: query ``i`` attends to keys ``0..i`` (top-left aligned).
    ``scale``: multiplies the scores; default ``1 / sqrt(E)``.
    Vectorised over all leading dimensions: no Python loop over batch or heads.

    Raises ``TypeError`` if ``q``, ``k`` or ``v`` is not a floating-point tensor, if
    their dtypes differ, or if ``mask`` is not a bool tensor; ``ValueError`` if a
    tensor has fewer than 2 dimensions, the leading dimensions differ, ``q`` and
    ``k`` have different ``E``, ``k`` and ``v`` different ``S``, the mask does not
    broadcast to ``(..., L, S)``, or both ``mask`` and ``is_causal=True`` are given.
    """
    raise NotImplementedError("attention.scaled_dot_product_attention: not implemented yet")


def split_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """``(B, L, D) -> (B, H, L, D/H)``: head ``h`` gets features ``h*D/H .. (h+1)*D/H - 1``.

    Raises ``TypeError`` if ``x`` is not a tensor or ``n_heads`` not an int;
    ``ValueError`` if ``x`` is not 3-D, ``n_heads < 1`` or ``D % n_heads != 0``.

        >>> split_heads(torch.arange(4.).view(1, 1, 4), 2)
        tensor([[[[0., 1.]],
        <BLANKLINE>
                 [[2., 3.]]]])
    """
    raise NotImplementedError("attention.split_heads: not implemented yet")


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """``(B, H, L, Dh) -> (B, L, H*Dh)``, the inverse of :func:`split_heads`.

    Raises ``TypeError`` if ``x`` is not a tensor, ``ValueError`` if it is not 4-D.
    """
    raise NotImplementedError("attention.merge_heads: not implemented yet")


class MultiHeadAttention(nn.Module):
    """Multi-head attention, batch first, like ``torch.nn.MultiheadAttention``.

    ``__init__(d_model, n_heads, bias=True)`` creates four ``nn.Linear(d_model,
    d_model, bias=bias)`` attributes named exactly ``q_proj``, ``k_proj``,
    ``v_proj`` and ``out_proj`` (the tests load weights into them) and keeps
    ``d_model`` and ``n_heads``. Raises ``TypeError`` if ``d_model`` or ``n_heads``
    is not an int, ``ValueError`` if either is below 1 or ``d_model % n_heads != 0``.
    """

    def __init__(self, d_model: int, n_heads: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("attention.MultiHeadAttention.__init__: not implemented yet")

    def forward(self, query: torch.Tensor, key: torch.Tensor | None = None,
                value: torch.Tensor | None = None, mask: torch.Tensor | None = None,
                is_causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns ``(output (B, L, d_model), weights (B, H, L, S))``.

        ``query`` ``(B, L, d_model)``; ``key`` ``(B, S, d_model)`` defaults to
        ``query`` (self-attention); ``value`` ``(B, S, d_model)`` defaults to
        ``key``. Project with ``q_proj``/``k_proj``/``v_proj``, :func:`split_heads`,
        :func:`scaled_dot_product_attention` on all heads at once (``mask`` and
        ``is_causal`` passed on: the mask broadcasts to ``(B, H, L, S)``, e.g.
        ``(L, S)`` or ``(B, 1, 1, S)``), :func:`merge_heads`, then ``out_proj``.
        ``weights`` are the per-head attention weights.

        Raises ``TypeError`` if an input is not a floating-point tensor;
        ``ValueError`` if an input is not 3-D with last dimension ``d_model``, the
        batch sizes differ, ``key`` and ``value`` have different lengths, or as
        :func:`scaled_dot_product_attention` does (mask and ``is_causal`` together).
        """
        raise NotImplementedError("attention.MultiHeadAttention.forward: not implemented yet")
