"""Compression: making a model smaller -- int8 quantization, pruning, distillation.

Course: chapter 4, "Where are LLMs heading?" -- efficiency: "model compression and
optimization ... better storage management and lower energy consumption ... viable
on devices with limited resources".

A model is mostly its weight matrices, stored as 32-bit floats. Three standard ways
to shrink it:

**Quantization** stores each weight as an 8-bit integer plus, per output channel,
one float *scale*: ``w ~ scale * q`` with ``q`` in ``[-127, 127]``. Four times less
memory than float32. *Symmetric per-channel* quantization (the scheme PyTorch
calls ``per_channel_symmetric``) takes, for every index ``c`` along ``dim`` (a row
of a ``Linear`` weight when ``dim=0``)::

    scale[c] = max |w[c]| / 127            (1.0 when the whole channel is zero)
    q        = round(w / scale[c]), clamped to [-127, 127], as torch.int8
    w_hat    = q * scale[c]                (dequantize)

One scale per channel, not one per tensor: a single large weight in one row would
otherwise blur every other row's small weights into a few levels.

*Why the round-trip error is at most half a step*, ``|w - w_hat| <= scale[c] / 2``:
let ``m = max |w[c]| > 0`` and ``s = m / 127``. Every ``x`` in the channel has
``|x / s| <= m / s = 127``, so rounding ``x / s`` to the nearest integer gives a
``q`` with ``|q| <= 127`` -- the clamp never changes it -- and, by the definition of
rounding to the nearest integer, ``|x / s - q| <= 1/2``. Multiplying by ``s > 0``:
``|x - s q| <= s / 2``. For an all-zero channel, ``x = 0``, ``q = 0``, ``s = 1`` and
the error is ``0 <= 1/2``. (Float32 arithmetic adds a relative error of about
``1e-7`` on top.) Dividing by 128 instead of 127, or truncating instead of
rounding, breaks this bound.

**Pruning** sets the smallest-magnitude weights to zero (they contribute least to
the outputs); a sparse format or hardware that skips zeros then saves memory and
time. ``magnitude_prune(w, 0.5)`` zeroes the half of ``w`` closest to zero.

**Distillation** trains a small *student* to match a large *teacher*'s output
distribution rather than only the correct word. Both sets of logits are softened
with a temperature ``T`` (``softmax(logits / T)``: ``T > 1`` flattens the
distribution and exposes which wrong answers the teacher finds plausible), and the
loss is the Kullback-Leibler divergence from teacher to student::

    p_t = softmax(teacher_logits / T),   log p_s = log_softmax(student_logits / T)
    loss = T**2 * mean over positions of  sum_v p_t[v] * (log p_t[v] - log p_s[v])

The ``T**2`` keeps the size of the gradients the same whatever ``T`` (Hinton et al.,
2015: the gradient of the softened KL shrinks like ``1 / T**2``). On 2-D logits this
is ``T**2 * F.kl_div(F.log_softmax(s / T, -1), F.softmax(t / T, -1),
reduction="batchmean")``; for ``(B, L, V)`` logits average over all ``B * L``
positions (``batchmean`` would divide by ``B`` only).

Worked example::

    >>> q, scale = quantize_int8(torch.tensor([[0.5, -1.27], [0.0, 0.0]]))
    >>> q, scale
    (tensor([[  50, -127], [   0,    0]], dtype=torch.int8), tensor([0.0100, 1.0000]))
    >>> dequantize(q, scale)
    tensor([[ 0.5000, -1.2700], [ 0.0000,  0.0000]])
    >>> magnitude_prune(torch.tensor([0.1, -3.0, 0.2, 2.0]), 0.5)
    tensor([ 0., -3.,  0.,  2.])
    >>> model_size_bytes(torch.nn.Linear(1000, 1000), bits_per_param=8)   # 1,001,000 params
    1001000

How it is checked: quantization against ``torch.quantize_per_channel`` and the
error bound on random tensors of several shapes and ``dim`` values; pruning against
``torch.nn.utils.prune.l1_unstructured``; the distillation loss against
``F.kl_div`` and its gradient; sizes on ``torch.nn`` models; every documented
error, whose message must name the offending argument (the kit's rule, e.g.
``"dim: expected an int, got float"``; for a problem between two arguments,
such as logits of different shapes, either name will do). Last, the chapter-3 tiny language model (your ``transformer`` exercise,
trained on the "Jane, who lives in New York..." sentence) is quantized with your
functions: its greedy completion of the prompt may change by at most one word,
and its size drops four-fold.
"""

from __future__ import annotations

import torch
from torch import nn


def quantize_int8(w: torch.Tensor, dim: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-channel int8 quantization of ``w`` along ``dim``.

    Returns ``(q, scale)``: ``q`` a ``torch.int8`` tensor of ``w``'s shape with values
    in ``[-127, 127]``; ``scale`` a ``torch.float32`` tensor of shape
    ``(w.shape[dim],)`` with ``scale[c] = max |w|`` over channel ``c`` (all indices
    whose ``dim`` coordinate is ``c``) ``/ 127``, or ``1.0`` for an all-zero channel.
    Round half to even (``torch.round``), compute in float32, both results on
    ``w``'s device; ``w`` is not modified. For a 1-D ``w`` every element is its own
    channel. Negative ``dim`` counts from the end.

    Raises ``TypeError`` if ``w`` is not a floating-point ``torch.Tensor`` or
    ``dim`` is not an ``int``; ``ValueError`` if ``w`` is 0-d, holds NaN/inf, or
    ``dim`` is out of range.
    """
    raise NotImplementedError("compression.quantize_int8: not implemented yet")


def dequantize(q: torch.Tensor, scale: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """``q * scale``, with ``scale`` broadcast along ``dim``: the approximate weights.

    Returns a tensor of ``q``'s shape in ``scale``'s dtype (float32 for scales from
    :func:`quantize_int8`), on ``q``'s device.

    Raises ``TypeError`` if ``q`` is not a ``torch.int8`` tensor, ``scale`` not a
    floating-point tensor, or ``dim`` not an ``int``; ``ValueError`` if ``q`` is 0-d,
    ``dim`` is out of range, or ``scale`` is not 1-D of length ``q.shape[dim]``.
    """
    raise NotImplementedError("compression.dequantize: not implemented yet")


def magnitude_prune(w: torch.Tensor, sparsity: float) -> torch.Tensor:
    """A copy of ``w`` with its ``k = round(sparsity * w.numel())`` smallest-magnitude entries set to 0.

    Exactly ``k`` entries are zeroed (Python's ``round``, as
    ``torch.nn.utils.prune.l1_unstructured`` does), chosen by ``|w|`` over the whole
    tensor; entries that are already 0 count among the smallest. Where several
    entries tie at the cut-off, which of them are zeroed is not specified (but
    exactly ``k`` are). Same shape, dtype and device as ``w``; ``w`` itself is not
    modified. ``sparsity = 0`` returns an unchanged copy, ``1`` all zeros.

    Raises ``TypeError`` if ``w`` is not a floating-point ``torch.Tensor`` or
    ``sparsity`` is not a real number (``bool`` is not); ``ValueError`` if
    ``sparsity`` is outside ``[0, 1]`` (or NaN).
    """
    raise NotImplementedError("compression.magnitude_prune: not implemented yet")


def model_size_bytes(model: nn.Module, bits_per_param: int = 32) -> int:
    """Bytes to store ``model``'s parameters at ``bits_per_param`` bits each, rounded up.

    ``ceil(n * bits_per_param / 8)`` where ``n`` is the number of parameter entries
    in ``model.parameters()`` (a parameter shared by two layers counts once, as
    ``parameters()`` yields it once; buffers such as BatchNorm's running statistics
    are not counted). Returns an ``int``.

    Raises ``TypeError`` if ``model`` is not a ``torch.nn.Module`` or
    ``bits_per_param`` is not an ``int`` (``bool`` is not); ``ValueError`` if
    ``bits_per_param < 1``.
    """
    raise NotImplementedError("compression.model_size_bytes: not implemented yet")


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float = 2.0) -> torch.Tensor:
    """``T**2`` times the mean KL divergence from the softened teacher to the softened student.

    ``student_logits`` and ``teacher_logits``: floating-point tensors of the same
    shape ``(..., V)``; the last axis is the vocabulary, every other index is one
    position, and the loss averages over all positions. Use ``log_softmax`` (never
    ``log(softmax(...))``, which gives ``-inf`` and NaN for large logits). The
    teacher is a fixed target: no gradient flows into ``teacher_logits`` (detach
    it). Returns a 0-d tensor in the logits' dtype, on their device; it is 0 when
    the two distributions are equal, and positive otherwise.

    Raises ``TypeError`` if either logits argument is not a floating-point
    ``torch.Tensor`` or ``temperature`` is not a real number (``bool`` is not);
    ``ValueError`` if the shapes differ, the logits are 0-d, or ``temperature`` is
    not positive and finite.
    """
    raise NotImplementedError("compression.distillation_loss: not implemented yet")
