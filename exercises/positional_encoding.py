"""Positional encoding: telling the transformer where each word is.

Course: chapter 3, "Introducing the transformer" -- positional encoding.

Attention looks at all words at once and, on its own, cannot tell "dog bites
man" from "man bites dog": it sees a *set* of vectors. The transformer therefore
adds to each token's embedding a vector that depends only on its position. The
original paper ("Attention Is All You Need", Vaswani et al., 2017, section 3.5)
uses sines and cosines of different frequencies: for position ``p`` and
``i = 0 .. d_model/2 - 1``::

    PE[p, 2i]     = sin(p / base^(2i / d_model))
    PE[p, 2i + 1] = cos(p / base^(2i / d_model))          with base = 10000

Even columns hold sines, odd columns cosines, and each (sine, cosine) pair turns
at its own speed: the first pair once every 2*pi positions, the last one almost
not at all -- like the hands of a clock, which together tell any time apart. A
shift by ``k`` positions is the same rotation of every pair wherever you start,
which makes relative positions easy to learn, and the values stay in [-1, 1].

Worked example (rounded)::

    >>> sinusoidal_positional_encoding(3, 4)
    tensor([[ 0.0000,  1.0000,  0.0000,  1.0000],
            [ 0.8415,  0.5403,  0.0100,  0.9999],
            [ 0.9093, -0.4161,  0.0200,  0.9998]])

Row 0 is always ``[0, 1, 0, 1, ...]`` (sin 0, cos 0). In column 2 the frequency
is ``1 / 10000^(2/4) = 0.01``, so row 1 holds ``sin(0.01)``.

How it is checked: shape and dtype; values against the formula computed
independently in float64 (float32 tolerance), also at large positions
(``max_len = 4096``, error at most ``1e-5``), and with another ``base``; and
every documented error.
"""

from __future__ import annotations

import torch


def sinusoidal_positional_encoding(max_len: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The ``(max_len, d_model)`` float32 table of sinusoidal position vectors (formula above).

    Row ``p`` is the vector added to the token at position ``p``. Tip: compute
    the angles ``p / base^(2i/d_model)`` in float64 and convert the finished
    table with ``.to(torch.float32)``: in float32 the angle of a large position
    already loses digits (the test at ``max_len = 4096`` allows an error of only
    ``1e-5``). The table is created on PyTorch's default device; ``max_len = 0``
    gives a ``(0, d_model)`` table.

    Errors: ``TypeError`` if ``max_len`` or ``d_model`` is not an ``int``
    (``bool`` is not accepted) or ``base`` not a real number; ``ValueError`` if
    ``max_len < 0``, ``d_model`` is odd or smaller than 2, or ``base`` is not a
    positive finite number. Each message names the offending argument (the kit's
    rule), e.g. ``"d_model must be even, got 7"``.
    """
    raise NotImplementedError("positional_encoding.sinusoidal_positional_encoding: not implemented yet")
