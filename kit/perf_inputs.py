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


# Whether PyTorch's fused forward gives the same out and lse as plain operations, per
# (device type, dtype, (L, D), causal): checked once per process on one head, the same way
# on both sides of the boundary.
FUSED_FORWARD_AGREES: dict[tuple, bool] = {}


def _drawn_with_forward(seed: int, shape: tuple, dtype: str, device: str, is_causal: bool):
    """q, k, v drawn from ``seed`` and their forward pass's output and log-sum-exp
    (float32): the backward exercise's inputs, not its answer (the functions inside take
    no caller's tensors from outside this module).

    The forward pass is PyTorch's fused flash-attention kernel (one fast pass), so the
    trusted side builds these inputs about as fast as anyone can, and an implementation
    that builds them another way in its own process saves next to nothing. Where that
    kernel is missing or disagrees with plain operations, plain operations are used."""
    import math

    import torch

    def fused(q, k, v):   # contiguous, like the plain path's (the kernel may return views)
        if q.is_cuda:
            flash = torch.ops.aten._scaled_dot_product_flash_attention
            out, lse = flash(q, k, v, 0.0, is_causal, False, scale=scale)[:2]
        else:
            out, lse = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(
                q, k, v, 0.0, is_causal, scale=scale)
        return out.contiguous(), lse.contiguous()

    def plain(q, k, v):   # one batch's float32 scores in memory at a time
        outs, lses = [], []
        for b in range(q.shape[0]):
            s = (q[b:b + 1].float() @ k[b:b + 1].float().transpose(-2, -1)) * scale
            if is_causal:
                L, S = s.shape[-2:]
                keep = torch.ones(L, S, dtype=torch.bool, device=q.device).tril(S - L)
                s = s.masked_fill(~keep, float("-inf"))
            lse = torch.logsumexp(s, dim=-1)
            outs.append((torch.exp(s - lse[..., None]) @ v[b:b + 1].float()).to(q.dtype))
            lses.append(lse)
            del s
        return torch.cat(outs), torch.cat(lses)

    def fused_agrees(q, k, v) -> bool:
        try:
            out, lse = fused(q, k, v)
        except (RuntimeError, NotImplementedError, TypeError, AttributeError):
            return False
        want_out, want_lse = plain(q, k, v)
        if out.shape != want_out.shape or out.dtype != want_out.dtype \
                or lse.shape != want_lse.shape or lse.dtype != torch.float32:
            return False
        out_close = (out.float() - want_out.float()).abs() <= 2e-2 + 2e-2 * want_out.float().abs()
        return bool(((lse - want_lse).abs() <= 1e-2).all()) and bool(out_close.all())  # NaN: False

    q, k, v = (_randn(shape, seed + i, dtype, device) for i in range(3))
    scale = 1.0 / math.sqrt(shape[-1])
    key = (q.device.type, q.dtype, tuple(shape[2:]), bool(is_causal))
    if key not in FUSED_FORWARD_AGREES:
        FUSED_FORWARD_AGREES[key] = fused_agrees(q[:1, :1], k[:1, :1], v[:1, :1])
    return (q, k, v, *(fused if FUSED_FORWARD_AGREES[key] else plain)(q, k, v))


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
