"""Inputs of the timed runs, built from seeds on both sides of the boundary.

Each function is called as ``f(seed, repeat_seed, **workload) -> (args, kwargs)`` by
:func:`kit.perf.throughput`: in the grading worker before the implementation's call,
and in the trusted process before the reference's (timed there, and that time taken
out of the implementation's round trip). The same seeds give the same tensors on the
same device, so the trusted side knows every input the implementation was timed on,
and a fresh ``repeat_seed`` per repeat makes caching answers useless: every tensor an
implementation receives is drawn from it (or computed from tensors drawn from it).
Nothing here computes an exercise's answer.
"""

from __future__ import annotations


def _randn(shape, seed: int, dtype: str, device: str):
    import torch

    g = torch.Generator(device=device).manual_seed(int(seed))
    return torch.randn(*shape, generator=g, device=device, dtype=getattr(torch, dtype))


def attention_inputs(seed: int, repeat_seed: int, *, shape, dtype: str = "bfloat16",
                     device: str = "cuda", is_causal: bool | None = None):
    """``q, k, v`` of ``shape`` (B, H, L, D), all drawn from ``repeat_seed``."""
    q, k, v = (_randn(shape, repeat_seed + i, dtype, device) for i in range(3))
    kwargs = {} if is_causal is None else {"is_causal": bool(is_causal)}
    return (q, k, v), kwargs


def _drawn_with_forward(seed: int, shape: tuple, dtype: str, device: str, is_causal: bool):
    """q, k, v drawn from ``seed`` and their forward pass's output and log-sum-exp
    (float32), computed with PyTorch one batch at a time: the backward exercise's inputs,
    not its answer (it takes a seed, not a caller's tensors)."""
    import math

    import torch

    q, k, v = (_randn(shape, seed + i, dtype, device) for i in range(3))
    scale = 1.0 / math.sqrt(shape[-1])
    outs, lses = [], []
    for b in range(shape[0]):   # one batch at a time keeps the scores' memory small
        s = (q[b:b + 1].float() @ k[b:b + 1].float().transpose(-2, -1)) * scale
        if is_causal:
            L, S = s.shape[-2:]
            keep = torch.ones(L, S, dtype=torch.bool, device=device).tril(S - L)
            s = s.masked_fill(~keep, float("-inf"))
        lse = torch.logsumexp(s, dim=-1)
        outs.append((torch.exp(s - lse[..., None]) @ v[b:b + 1].float()).to(q.dtype))
        lses.append(lse)
        del s
    return q, k, v, torch.cat(outs), torch.cat(lses)


def attention_backward_inputs(seed: int, repeat_seed: int, *, shape, dtype: str = "bfloat16",
                              device: str = "cuda", is_causal: bool = False):
    """``do, q, k, v, out, lse``: q, k, v and the output gradient ``do`` drawn from
    ``repeat_seed``, and the forward pass's ``out`` and ``lse`` computed from them. All
    fresh every repeat, so nothing about them can be prepared in advance (the trusted
    side times building them and takes that time out of the implementation's)."""
    q, k, v, out, lse = _drawn_with_forward(int(repeat_seed), tuple(shape), dtype, device,
                                            bool(is_causal))
    do = _randn(shape, int(repeat_seed) + 3, dtype, device)
    return (do, q, k, v, out, lse), {"is_causal": bool(is_causal)}


def masking_inputs(seed: int, repeat_seed: int, *, shape=(256, 512), vocab_size: int = 30522,
                   mask_token_id: int = 103, device: str = "cuda"):
    """A batch of ids (special tokens at the ends) and a generator seeded from ``repeat_seed``."""
    import torch

    g = torch.Generator(device=device).manual_seed(int(repeat_seed))
    ids = torch.randint(1000, vocab_size, tuple(shape), generator=g, device=device)
    special = torch.zeros(tuple(shape), dtype=torch.bool, device=device)
    special[:, 0] = special[:, -1] = True
    generator = torch.Generator(device=device).manual_seed(int(repeat_seed) + 1)
    return (ids,), {"mask_token_id": mask_token_id, "vocab_size": vocab_size,
                    "special_tokens_mask": special, "generator": generator}
