"""Explainability: which words made the model decide? Token attributions, and how to check them.

Course: chapter 4, "Ethical concerns" -- *transparency risk*: without transparency "it can
be difficult to identify issues like bias, errors, or misuse, making it a black box"; and
"Where are LLMs heading?" -- *model explainability*: "it's crucial to understand how they
arrive at their outputs ... Explainability builds trust".

Here a model is a ``torch.nn.Module`` that maps one input's token embeddings, a float
tensor ``x`` of shape ``(L, D)`` (L tokens, D features each), to class logits ``(C,)``;
``target`` is the index of the class to explain, and ``F(x) = model(x)[target]``. An
*attribution* gives every token one number, shape ``(L,)``: how much that token pushed
``F`` up (positive) or down (negative). Three classic ways to compute one:

**Gradient x input.** ``attr[i] = sum over d of dF/dx[i, d] * x[i, d]``. The gradient alone
says how sensitive ``F`` is to a token; multiplying by the input says how much of ``F``
the token's actual values account for (for a linear model with no bias it is exactly the
token's share of ``F``). Sum over the feature axis ``D`` (the last one), keep the tokens.

**Integrated gradients** (Sundararajan et al., 2017). The gradient at ``x`` alone can be
flat (a saturated ``tanh``) although the token matters. Walk instead on the straight path
from a *baseline* ``x'`` (zeros: "no information") to ``x`` and average the gradients::

    IG[i, d] = (x - x')[i, d] * integral over a in [0, 1] of  dF/dx[i, d] at  x' + a (x - x')
    attr[i]  = sum over d of IG[i, d]

The integral is computed with a quadrature rule: ``sum over k of w[k] * gradient at
x' + a[k] (x - x')`` with ``n = steps`` points ``a[k]`` (``k = 0 .. n-1``) and weights
``w[k]``, by ``method`` (the names are Captum's)::

    "riemann_right"      a[k] = (k + 1) / n         w[k] = 1 / n
    "riemann_trapezoid"  a[k] = k / (n - 1), n >= 2  w[k] = 1 / (n - 1), halved at k = 0, n-1
    "gausslegendre"      a[k] = (t[k] + 1) / 2      w[k] = v[k] / 2, where t, v =
                         numpy.polynomial.legendre.leggauss(n) (points, weights on [-1, 1])

The weights of every rule add up to 1. The default, ``"gausslegendre"``, is exact for
polynomials up to degree ``2n - 1``. (Captum's own ``riemann_trapezoid`` uses ``w[k] = 1/n``,
halved at both ends, which add up to ``(n - 1)/n``: its attributions are ``(n - 1)/n``
times these. Even the tools can be checked; the graders allow for that factor.)
*Completeness*: by the fundamental theorem of calculus for path integrals, the
attributions add up to ``F(x) - F(x')`` -- up to the rule's error, which shrinks as
``steps`` grows (like ``1/n`` for the right Riemann sum, ``1/n**2`` for the trapezoid,
much faster for Gauss-Legendre). Forget the factor ``(x - x')``, or walk from 0 instead of
from ``x'``, and completeness breaks.

**Occlusion.** Replace token ``i`` by the baseline (every feature ``0.0`` by default) and
see how far ``F`` drops: ``attr[i] = F(x) - F(x with row i replaced)``. Positive: the
model needed that token for this class. No gradients at all -- it also works on models
you cannot differentiate -- but one forward pass per token.

**Reading an explanation**: ``top_tokens`` lists the ``k`` tokens with the largest
attributions.

**Explanations can be checked.** An attribution method can look convincing and still say
nothing about the model (Adebayo et al., 2018, "Sanity checks for saliency maps"): an
edge detector draws nice outlines of any image. Their *model randomisation test*:
explain the trained model and the same architecture with re-initialised random weights;
if the two explanations rank the tokens alike, the method is not explaining what the
model learned. ``randomization_similarity`` measures that with the Spearman rank
correlation (``rank_correlation``): near 1 is a failed check, near 0 (or below) is what
a faithful method gives. ``kit.sentiment.reinitialized(model, seed)`` makes the random
copy for you.

**The model you explain.** ``kit.sentiment`` (given) trains a small sentiment classifier
on the kit's 90 labelled sentences in about half a second: ``tokens(text)`` splits a sentence,
``model.embed(words)`` gives the ``(L, D)`` embeddings, ``model(embeddings)`` the logits
of ``kit.sentiment.LABELS = ("positive", "negative", "neutral")``.

Rules for every function: the model is called on one ``(L, D)`` input at a time (a model
may accept nothing else -- loop over the integration points); run it in eval mode
(``model.eval()``: no dropout) and put every submodule back in the mode it was in;
compute gradients with respect to the input only (``torch.autograd.grad(logit, x)``, not
``.backward()``, which would leave ``.grad`` on the model's weights) -- whatever the
weights' ``requires_grad`` flags, and also when the caller is inside ``torch.no_grad()``
(``torch.enable_grad()``) -- and never change the model's weights, its ``requires_grad``
flags or the arguments. Attributions are
``(L,)`` tensors in the embeddings' dtype, on their device.

**Do not import captum** (or any other attribution library): this exercise is to build
the methods. The graders compare your results with Captum's, and a grader fails any
answer whose code refers to ``captum``.

Worked example (a linear model without bias: all three methods give each token exactly
its share of the logit)::

    >>> model = torch.nn.Sequential(torch.nn.Flatten(0), torch.nn.Linear(4, 2, bias=False))
    >>> with torch.no_grad():
    ...     _ = model[1].weight.copy_(torch.tensor([[1.0, 0.0, -2.0, 1.0], [0.0, 1.0, 0.0, 0.0]]))
    >>> x = torch.tensor([[1.0, 2.0], [3.0, -1.0]])          # L = 2 tokens, D = 2
    >>> model(x)[0].item()                                   # 1*1 + 0*2 - 2*3 + 1*(-1)
    -6.0
    >>> gradient_x_input(model, x, 0)
    tensor([ 1., -7.])
    >>> integrated_gradients(model, x, 0).round(decimals=4)  # the gradient is constant here
    tensor([ 1., -7.])
    >>> occlusion(model, x, 0)                               # -6 - (-7) and -6 - 1
    tensor([ 1., -7.])
    >>> top_tokens(torch.tensor([1.0, -7.0]), ["good", "bad"], 1)
    ['good']

and the course's kind of question -- why is "the food was terrible" negative?::

    >>> from kit import sentiment
    >>> classifier = sentiment.sentiment_classifier()
    >>> words = sentiment.tokens("the food was terrible")
    >>> negative = sentiment.LABELS.index("negative")
    >>> attributions = integrated_gradients(classifier, classifier.embed(words), negative)
    >>> top_tokens(attributions, words, 2)
    ['terrible', 'food']
    >>> rank_correlation(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, 30.0, 20.0]))
    0.5

How it is checked: the course example above and hand-computed cases; integrated gradients
and occlusion against Captum (``IntegratedGradients`` with the same rule and steps,
``Occlusion`` with a one-token window) on several models, dtypes and baselines;
completeness within each rule's error; ``top_tokens`` ties; the rank correlation against
SciPy's Spearman; the randomisation check on the trained classifier; that the model is
left as it was (modes, flags, no ``.grad``) and the inputs unchanged; every documented
error (each message must name the offending argument, e.g. "steps must be an int");
and that your code does not use captum.
"""

from __future__ import annotations

import torch
from torch import nn


def gradient_x_input(model: nn.Module, embeddings: torch.Tensor, target: int) -> torch.Tensor:
    """Gradient x input: ``attr[i] = sum over d of dF/dx[i, d] * x[i, d]`` at ``x = embeddings``.

    ``F = model(x)[target]``. Returns a ``(L,)`` tensor in ``embeddings``' dtype, without
    gradient history. The model runs in eval mode and is left as it was found (see the
    module's rules); ``embeddings`` is not modified.

    Raises ``TypeError`` if ``model`` is not a ``torch.nn.Module``, ``embeddings`` is not
    a floating-point ``torch.Tensor`` or ``target`` is not an ``int`` (``bool`` is not);
    ``ValueError`` if ``embeddings`` is not 2-D with ``L, D >= 1`` or holds NaN/inf,
    ``target`` is negative or not below the number of logits ``C``, or the model does not
    return a 1-D tensor of logits (name ``model`` in that message).
    """
    raise NotImplementedError("explainability.gradient_x_input: not implemented yet")


def integrated_gradients(model: nn.Module, embeddings: torch.Tensor, target: int,
                         baseline: torch.Tensor | None = None, steps: int = 50,
                         method: str = "gausslegendre") -> torch.Tensor:
    """Integrated gradients from ``baseline`` (zeros when ``None``) to ``embeddings``, per token.

    ``attr[i] = sum over d of (x - x')[i, d] * sum over k of w[k] * dF/dx[i, d]`` at
    ``x' + a[k] (x - x')``, with the points ``a[k]`` and weights ``w[k]`` of ``method``
    (the table in the module docstring) and ``steps`` points. The attributions add up to
    ``F(x) - F(x')`` up to the rule's error. Returns a ``(L,)`` tensor in ``embeddings``'
    dtype; the model and the arguments are left as they were.

    Raises what :func:`gradient_x_input` raises, and ``TypeError`` if ``baseline`` is not
    ``None`` or a floating-point tensor, ``steps`` is not an ``int`` (``bool`` is not) or
    ``method`` is not a ``str``; ``ValueError`` if ``baseline``'s shape is not
    ``embeddings``' shape or it holds NaN/inf, ``method`` is not one of
    ``"riemann_right"``, ``"riemann_trapezoid"``, ``"gausslegendre"``, or ``steps < 1``
    (``steps < 2`` for ``"riemann_trapezoid"``).
    """
    raise NotImplementedError("explainability.integrated_gradients: not implemented yet")


def occlusion(model: nn.Module, embeddings: torch.Tensor, target: int,
              baseline: float | torch.Tensor = 0.0) -> torch.Tensor:
    """How much ``F`` drops when each token in turn is replaced by the baseline.

    ``attr[i] = F(x) - F(x with row i set to the baseline)``. ``baseline``: a number
    (every feature of the row), a ``(D,)`` tensor (the replacement row) or an ``(L, D)``
    tensor (row ``i`` of it replaces token ``i``). Returns a ``(L,)`` tensor in
    ``embeddings``' dtype; the model and the arguments are left as they were.

    Raises what :func:`gradient_x_input` raises, and ``TypeError`` if ``baseline`` is
    neither a real number (``bool`` is not) nor a floating-point tensor; ``ValueError``
    if a tensor ``baseline`` has a shape other than ``(D,)`` or ``(L, D)``, or the
    baseline is NaN/inf.
    """
    raise NotImplementedError("explainability.occlusion: not implemented yet")


def top_tokens(attributions: torch.Tensor, tokens: list[str], k: int) -> list[str]:
    """The ``k`` tokens with the largest attributions, largest first.

    Ties keep the order of the tokens in the sentence (the earlier token first). A word
    that occurs twice is listed once per occurrence. Returns a ``list`` of ``str``.

    Raises ``TypeError`` if ``attributions`` is not a floating-point ``torch.Tensor``,
    ``tokens`` is not a list (or tuple) of ``str`` or ``k`` is not an ``int`` (``bool`` is
    not); ``ValueError`` if ``attributions`` is not 1-D or holds NaN, ``tokens`` does not
    have one item per attribution, or ``k`` is not in ``[1, len(tokens)]``.
    """
    raise NotImplementedError("explainability.top_tokens: not implemented yet")


def rank_correlation(first: torch.Tensor, second: torch.Tensor) -> float:
    """Spearman's rank correlation of two score vectors, a ``float`` in ``[-1, 1]``.

    Rank each vector (tied values get the mean of the ranks they span), then take the
    Pearson correlation of the two rank vectors. ``0.0`` when either vector has all its
    values equal (it ranks nothing above anything else).

    Raises ``TypeError`` if ``first`` or ``second`` is not a floating-point
    ``torch.Tensor``; ``ValueError`` if either is not 1-D or holds NaN, their lengths
    differ, or they have fewer than 2 values.
    """
    raise NotImplementedError("explainability.rank_correlation: not implemented yet")


def randomization_similarity(model: nn.Module, randomized_model: nn.Module,
                             embeddings: torch.Tensor, target: int,
                             method: str = "integrated_gradients") -> float:
    """The model randomisation sanity check: how alike are the two models' explanations?

    ``rank_correlation`` of the attributions ``method`` gives for ``model`` and for
    ``randomized_model`` (same ``embeddings`` and ``target``, each method's default
    settings). ``method`` is ``"gradient_x_input"``, ``"integrated_gradients"`` or
    ``"occlusion"``. Near 1: the explanation does not depend on what the model learned.

    Raises ``TypeError`` if ``model`` or ``randomized_model`` is not a
    ``torch.nn.Module`` or ``method`` is not a ``str``; ``ValueError`` if ``method`` is
    not one of the three; and what the attribution method raises.
    """
    raise NotImplementedError("explainability.randomization_similarity: not implemented yet")
