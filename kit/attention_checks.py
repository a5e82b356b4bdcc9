"""Inputs, tolerances and gradient checks for the kernel-track tests (no expected values).

* :func:`random_attention_inputs` -- seeded ``q``, ``k``, ``v`` (and an output gradient);
* :func:`grad_tolerance` and :func:`expect_gradients` -- how close a gradient must be;
* :func:`saved_tensor_sizes` -- what autograd keeps for the backward pass.

The expected values themselves (attention and its gradients in float64) are not here: the
public tests compute them with plain PyTorch, the hidden graders keep their own.
"""

from __future__ import annotations

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
