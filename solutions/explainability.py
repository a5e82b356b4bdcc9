"""Explainability: token attributions and a sanity check (reference solution)."""

from __future__ import annotations

import contextlib
import math
import numbers

import numpy as np
import torch
from torch import nn

IG_METHODS = ("riemann_right", "riemann_trapezoid", "gausslegendre")
EXPLANATION_METHODS = ("gradient_x_input", "integrated_gradients", "occlusion")


# --------------------------------------------------------------------------- checks


def _check_model(model, name: str = "model") -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")


def _check_embeddings(embeddings) -> None:
    if not isinstance(embeddings, torch.Tensor) or not embeddings.is_floating_point():
        kind = f"a {embeddings.dtype} tensor" if isinstance(embeddings, torch.Tensor) \
            else type(embeddings).__name__
        raise TypeError(f"embeddings must be a floating-point torch.Tensor, got {kind}")
    if embeddings.ndim != 2 or 0 in embeddings.shape:
        raise ValueError(f"embeddings must have shape (L, D) with L, D >= 1, "
                         f"got {tuple(embeddings.shape)}")
    if not torch.isfinite(embeddings).all():
        raise ValueError("embeddings must be finite (no NaN or inf)")


def _check_target(target) -> None:
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target must be an int (a class index), got {type(target).__name__}")
    if target < 0:
        raise ValueError(f"target must be a class index >= 0, got {target}")


def _check_call(model, embeddings, target) -> None:
    _check_model(model)
    _check_embeddings(embeddings)
    _check_target(target)


# --------------------------------------------------------------------------- the model


@contextlib.contextmanager
def _evaluating(model: nn.Module):
    """Eval mode (no dropout) for the block; every submodule's own mode restored after it."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:  # parents first, so children keep their own flag
            module.train(training)


def _target_logit(model: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    logits = model(x)
    if not isinstance(logits, torch.Tensor) or logits.ndim != 1:
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise ValueError(f"model must map one (L, D) input to logits of shape (C,), got {shape}")
    if target >= logits.shape[0]:
        raise ValueError(f"target {target} is not a class of the model's {logits.shape[0]} logits")
    return logits[target]


def _input_gradient(model: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    """d logit_target / d x at ``x``; only ``x`` gets a gradient (the weights' .grad stay as they were)."""
    x = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        logit = _target_logit(model, x, target)
        if not logit.requires_grad:  # the logit does not depend on x at all
            return torch.zeros_like(x)
        (grad,) = torch.autograd.grad(logit, x, allow_unused=True)
    return torch.zeros_like(x) if grad is None else grad


# --------------------------------------------------------------------------- attributions


def gradient_x_input(model: nn.Module, embeddings: torch.Tensor, target: int) -> torch.Tensor:
    _check_call(model, embeddings, target)
    with _evaluating(model):
        grad = _input_gradient(model, embeddings, target)
    return (grad * embeddings).sum(dim=-1).detach()


def _quadrature(steps: int, method: str) -> tuple[list[float], list[float]]:
    """Points ``alpha`` in [0, 1] and weights of the rule for the integral over alpha."""
    if method == "riemann_right":
        return [k / steps for k in range(1, steps + 1)], [1 / steps] * steps
    if method == "riemann_trapezoid":
        weights = [1 / (steps - 1)] * steps
        weights[0] /= 2
        weights[-1] /= 2
        return [k / (steps - 1) for k in range(steps)], weights
    nodes, weights = np.polynomial.legendre.leggauss(steps)  # on [-1, 1]
    return (0.5 * (nodes + 1)).tolist(), (0.5 * weights).tolist()


def integrated_gradients(model: nn.Module, embeddings: torch.Tensor, target: int,
                         baseline: torch.Tensor | None = None, steps: int = 50,
                         method: str = "gausslegendre") -> torch.Tensor:
    _check_call(model, embeddings, target)
    if baseline is None:
        baseline = torch.zeros_like(embeddings)
    elif not isinstance(baseline, torch.Tensor) or not baseline.is_floating_point():
        raise TypeError(f"baseline must be None or a floating-point torch.Tensor, "
                        f"got {type(baseline).__name__}")
    elif baseline.shape != embeddings.shape:
        raise ValueError(f"baseline must have the shape of embeddings {tuple(embeddings.shape)}, "
                         f"got {tuple(baseline.shape)}")
    elif not torch.isfinite(baseline).all():
        raise ValueError("baseline must be finite (no NaN or inf)")
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, got {type(method).__name__}")
    if method not in IG_METHODS:
        raise ValueError(f"method must be one of {IG_METHODS}, got {method!r}")
    fewest = 2 if method == "riemann_trapezoid" else 1
    if steps < fewest:
        raise ValueError(f"steps must be at least {fewest} for {method}, got {steps}")
    baseline = baseline.detach().to(embeddings.dtype)
    difference = embeddings.detach() - baseline
    averaged_grad = torch.zeros_like(embeddings)
    with _evaluating(model):
        for alpha, weight in zip(*_quadrature(steps, method)):
            point = baseline + alpha * difference
            averaged_grad += weight * _input_gradient(model, point, target)
    return (difference * averaged_grad).sum(dim=-1)


def occlusion(model: nn.Module, embeddings: torch.Tensor, target: int,
              baseline: float | torch.Tensor = 0.0) -> torch.Tensor:
    _check_call(model, embeddings, target)
    if isinstance(baseline, torch.Tensor):
        if not baseline.is_floating_point():
            raise TypeError(f"baseline must be a float or a floating-point tensor, got a "
                            f"{baseline.dtype} tensor")
        if baseline.shape not in (embeddings.shape[-1:], embeddings.shape):
            raise ValueError(f"baseline must have shape (D,) or (L, D) = "
                             f"{tuple(embeddings.shape)}, got {tuple(baseline.shape)}")
        fill = baseline.detach().to(embeddings.dtype).expand(embeddings.shape)
    elif isinstance(baseline, numbers.Real) and not isinstance(baseline, bool):
        fill = torch.full_like(embeddings, float(baseline))
    else:
        raise TypeError(f"baseline must be a float or a tensor, got {type(baseline).__name__}")
    if not torch.isfinite(fill).all():
        raise ValueError("baseline must be finite (no NaN or inf)")
    x = embeddings.detach()
    drops = []
    with _evaluating(model), torch.no_grad():
        full = _target_logit(model, x, target)
        for i in range(x.shape[0]):
            occluded = x.clone()
            occluded[i] = fill[i]
            drops.append(full - _target_logit(model, occluded, target))
    return torch.stack(drops)


# --------------------------------------------------------------------------- reading explanations


def _check_scores(scores, name: str) -> None:
    if not isinstance(scores, torch.Tensor) or not scores.is_floating_point():
        raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(scores).__name__}")
    if scores.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one score per token), got shape {tuple(scores.shape)}")
    if torch.isnan(scores).any():
        raise ValueError(f"{name} must not contain NaN")


def top_tokens(attributions: torch.Tensor, tokens: list[str], k: int) -> list[str]:
    _check_scores(attributions, "attributions")
    if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(f"tokens must be a list of str, got {type(tokens).__name__}")
    if len(tokens) != attributions.shape[0]:
        raise ValueError(f"tokens has {len(tokens)} items but attributions has "
                         f"{attributions.shape[0]} scores")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if not 1 <= k <= len(tokens):
        raise ValueError(f"k must be in [1, {len(tokens)}], got {k}")
    order = torch.sort(attributions.detach().cpu(), descending=True, stable=True).indices
    return [tokens[i] for i in order[:k].tolist()]


def _average_ranks(scores: torch.Tensor) -> torch.Tensor:
    """Ranks 0..n-1 by value; tied values share the mean of their ranks."""
    order = torch.argsort(scores, stable=True)
    ranks = torch.empty_like(scores)
    ranks[order] = torch.arange(len(scores), dtype=scores.dtype)
    _, group = torch.unique(scores, return_inverse=True)
    rank_sums = torch.zeros(int(group.max()) + 1, dtype=scores.dtype).index_add_(0, group, ranks)
    counts = torch.bincount(group).to(scores.dtype)
    return (rank_sums / counts)[group]


def rank_correlation(first: torch.Tensor, second: torch.Tensor) -> float:
    _check_scores(first, "first")
    _check_scores(second, "second")
    if first.shape != second.shape:
        raise ValueError(f"first and second must have the same length, got {first.shape[0]} "
                         f"and {second.shape[0]}")
    if first.shape[0] < 2:
        raise ValueError("first and second need at least 2 scores to be ranked")
    a = _average_ranks(first.detach().cpu().double())
    b = _average_ranks(second.detach().cpu().double())
    a, b = a - a.mean(), b - b.mean()
    spread = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    if spread == 0.0:  # one of them ranks nothing above anything else
        return 0.0
    return float((a * b).sum()) / spread


def randomization_similarity(model: nn.Module, randomized_model: nn.Module,
                             embeddings: torch.Tensor, target: int,
                             method: str = "integrated_gradients") -> float:
    _check_model(model)
    _check_model(randomized_model, "randomized_model")
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, got {type(method).__name__}")
    if method not in EXPLANATION_METHODS:
        raise ValueError(f"method must be one of {EXPLANATION_METHODS}, got {method!r}")
    explain = {"gradient_x_input": gradient_x_input, "integrated_gradients": integrated_gradients,
               "occlusion": occlusion}[method]
    return rank_correlation(explain(model, embeddings, target),
                            explain(randomized_model, embeddings, target))
