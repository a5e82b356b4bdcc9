"""Attention in float64 with its gradients: the expected values of the kernel-track tests.

Plain PyTorch on the CPU: ``s = scale * q k^T`` (``-inf`` above the diagonal when
causal, top-left aligned as in ``scaled_dot_product_attention``), ``p = softmax(s)``,
``out = p v``, and autograd for the gradients. Written out rather than calling
``scaled_dot_product_attention`` because PyTorch's CPU version returns NaN for a causal
mask with ``scale=0`` (it multiplies the ``-inf`` of the mask by the scale).
"""

from __future__ import annotations

import math

import torch

from .checks import tolerance


def random_attention_inputs(B: int, H: int, L: int, S: int, D: int, *,
                            dtype: torch.dtype = torch.float32, seed: int = 0, spread: float = 1.0,
                            device: str = "cpu", grad_out: bool = False) -> list[torch.Tensor]:
    """Seeded standard-normal ``q (B, H, L, D)``, ``k`` and ``v (B, H, S, D)`` -- and an output
    gradient ``(B, H, L, D)`` when ``grad_out`` -- drawn in float32 in that order, ``q`` and
    ``k`` times ``spread`` (scores grow with its square), then cast to ``dtype`` on ``device``."""
    g = torch.Generator().manual_seed(seed)
    shapes = [(B, H, L, D), (B, H, S, D), (B, H, S, D)] + ([(B, H, L, D)] if grad_out else [])
    tensors = [torch.randn(shape, generator=g) for shape in shapes]
    tensors[0], tensors[1] = tensors[0] * spread, tensors[1] * spread
    return [t.to(dtype).to(device) for t in tensors]


def attention_with_grads(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                         grad_out: torch.Tensor | None = None, *, is_causal: bool = False,
                         scale: float | None = None) -> dict[str, torch.Tensor]:
    """``out``, ``lse`` and (with ``grad_out``) ``dq``, ``dk``, ``dv`` of attention.

    Computed in float64 on the CPU from the given values; ``out`` and the gradients are
    rounded to ``q``'s dtype, ``lse`` (the natural log-sum-exp of each row of ``s``,
    ``(B, H, L)``) is float32. With no keys, ``out`` and every gradient are zeros and
    ``lse`` is ``-inf``.
    """
    dtype = q.dtype
    leaves = [t.detach().to("cpu", torch.float64).requires_grad_(grad_out is not None)
              for t in (q, k, v)]
    q64, k64, v64 = leaves
    L, S, D = q.shape[-2], k.shape[-2], q.shape[-1]
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    s = (q64 @ k64.transpose(-1, -2)) * scale
    if is_causal:
        s = s.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(1), float("-inf"))
    lse = torch.logsumexp(s, dim=-1)
    p = torch.exp(s - lse[..., None]) if S else s
    out = p @ v64
    result = {"out": out.detach().to(dtype), "lse": lse.detach().to(torch.float32)}
    if grad_out is not None:
        dq, dk, dv = torch.autograd.grad(out, leaves, grad_out.detach().to("cpu", torch.float64),
                                         allow_unused=True)
        for name, grad, like in (("dq", dq, q), ("dk", dk, k), ("dv", dv, v)):
            grad = torch.zeros(like.shape, dtype=torch.float64) if grad is None else grad
            result[name] = grad.nan_to_num(0.0).to(dtype)
    return result


def grad_tolerance(expected: torch.Tensor) -> tuple[float, float]:
    """``(atol, rtol)`` for a gradient: the dtype's tolerance, ``atol`` scaled by the largest
    ``|expected|`` (at least 1).

    A gradient sums over a whole sequence, so its rounding error grows with its size: a
    fused kernel in fp16 is about ``3e-4`` of the largest gradient away from float64, in
    bf16 about ``3e-3`` (measured on the kit's test cases: 4-7x inside these bounds).
    """
    atol, rtol = tolerance(expected.dtype)
    largest = float(expected.detach().abs().max()) if expected.numel() else 0.0
    return atol * max(1.0, largest), rtol


def row_logsumexp(q: torch.Tensor, k: torch.Tensor, *, is_causal: bool = False,
                  scale: float | None = None) -> torch.Tensor:
    """Each row's natural log-sum-exp of the scaled scores: float32 ``(B, H, L)`` on q's
    device (the GPU tests' ``lse`` at sizes where float64 on the CPU is too slow).

    Computes one sequence at a time, so it holds one ``(H, L, S)`` float32 score tensor.
    """
    L, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    rows = []
    for b in range(q.shape[0]):
        s = (q[b].float() @ k[b].float().transpose(-1, -2)) * scale
        if is_causal:
            s.masked_fill_(torch.ones(L, S, dtype=torch.bool, device=q.device).triu(1),
                           float("-inf"))
        rows.append(torch.logsumexp(s, dim=-1))
    return torch.stack(rows)


def saved_tensor_sizes(fn, *args, **kwargs) -> list[int]:
    """The element counts of the tensors autograd saves for the backward pass of
    ``fn(*args, **kwargs)``, with every floating-point tensor argument requiring grad.

    Uses ``torch.autograd.graph.saved_tensors_hooks``: it sees what
    ``ctx.save_for_backward`` (and every built-in operation) keeps.
    """
    sizes: list[int] = []

    def pack(tensor):
        sizes.append(tensor.numel())
        return tensor

    args = [a.detach().clone().requires_grad_() if isinstance(a, torch.Tensor)
            and a.is_floating_point() else a for a in args]
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        fn(*args, **kwargs)
    return sorted(sizes)


def expect_gradients(grads, expected: dict, what: str, *, hint: str | None = None,
                     names: tuple[str, ...] = ("dq", "dk", "dv")) -> None:
    """``grads`` (dq, dk, dv) within :func:`grad_tolerance` of ``expected[name]``.

    A ``None`` gradient fails with a message about the autograd wiring (autograd gives
    ``None`` when ``backward`` returned nothing for that input).
    """
    from .checks import expect_close

    __tracebackhide__ = True
    for name, grad in zip(("dq", "dk", "dv"), grads):
        if name not in names:
            continue
        assert grad is not None, (
            f"{name} of {what} is None: autograd got no gradient for that input (a "
            "torch.autograd.Function's backward returns one gradient per forward input, in "
            "order: dq, dk, dv, then None for is_causal and scale)")
        atol, rtol = grad_tolerance(expected[name])
        expect_close(grad, expected[name], f"{name} of {what}", atol=atol, rtol=rtol, hint=hint)
