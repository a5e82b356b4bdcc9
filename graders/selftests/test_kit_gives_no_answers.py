"""Nothing in ``kit/`` hands out an exercise's answer.

``kit`` ships to students and is importable next to their code while it is graded, so a
helper there that computes what an exercise asks for (or returns the expected output of a
hidden input) is an answer key. What kit holds, and why none of it is one:

* ``attention_checks`` -- seeded inputs, gradient tolerances, what autograd saves; the
  float64 attention with gradients the kernel tests compare with lives grader-side in
  ``graders/attention_reference.py`` (the public tests compute theirs with plain PyTorch);
* ``datasets`` -- data, not answers, except ``flipped_news``, which returns the flipped
  indices ``label_quality`` must find: the hidden graders draw those data sets from seeds
  no search reaches (tested below); ``related_tasks`` and ``expert_rankings`` give
  training data and held-out labels, not a trained model;
* ``datasets_privacy`` -- the labelled PII corpus (see the note in the sweep report: the
  hidden ``data_privacy`` graders score on the same sentences);
* ``lexicon`` -- the suffix rules and irregular forms the lemmatization stub tells students
  to use (given, like ``tiny_lm``'s training loop and ``encoders``' sentence encoders);
* ``checks``, ``perf``, ``remote``, ``codec``, ``worker``, ``loader``, ``pytest_plugin``,
  ``notebook``, ``pretrained``, ``exercises`` -- the engine and test plumbing.
"""

from __future__ import annotations

import ast

import numpy as np

from kit.datasets import flipped_news
from kit.loader import REPO_ROOT

KIT = REPO_ROOT / "kit"
# Building blocks of an attention answer; kit has no business computing them.
ATTENTION_OPS = {"softmax", "log_softmax", "logsumexp", "scaled_dot_product_attention"}
# torch.autograd.grad: only the engine's call_with_grad, on the submission's own output.
# ops.py: call_with_grad; perf.py: the backward reference; sentiment.py: training the given
# classifier (gradients of its loss w.r.t. its weights, not of an input).
GRAD_ALLOWED = {"boundary/ops.py", "perf.py", "sentiment.py"}
#: The GPU timing harness: PyTorch's own attention as the reference a timed run is compared
#: with, and the backward exercise's inputs (random q, k, v and their forward pass, drawn from a
#: seed -- never a function of a caller's tensors beyond PyTorch's public SDPA).
ATTENTION_ALLOWED = {"perf.py", "perf_inputs.py"}


def _names_used(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.attr if isinstance(node, ast.Attribute) else node.id
            for node in ast.walk(tree) if isinstance(node, (ast.Attribute, ast.Name))}


def _calls_autograd_grad(path):
    return any(isinstance(node, ast.Attribute) and node.attr == "grad"
               and isinstance(node.value, (ast.Attribute, ast.Name))
               and getattr(node.value, "attr", getattr(node.value, "id", None)) == "autograd"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def _public_definitions(folder):
    found = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                found.setdefault(node.name, path.name)
    return found


def test_kit_computes_no_attention():
    files = {path.relative_to(KIT).as_posix(): path for path in sorted(KIT.rglob("*.py"))}
    offenders = {name: sorted(_names_used(path) & ATTENTION_OPS) for name, path in files.items()
                 if _names_used(path) & ATTENTION_OPS and name not in ATTENTION_ALLOWED}
    assert not offenders, f"kit modules compute attention (an exercise's answer): {offenders}"
    graders = [name for name, path in files.items()
               if _calls_autograd_grad(path) and name not in GRAD_ALLOWED]
    assert not graders, f"kit modules call torch.autograd.grad: {graders}"


def test_kit_defines_no_exercise_function():
    exercise_names = _public_definitions(REPO_ROOT / "exercises")
    kit_names = _public_definitions(KIT)
    shared = {name: (exercise_names[name], kit_names[name]) for name in exercise_names.keys()
              & kit_names.keys()}
    assert not shared, f"kit defines what an exercise asks for: {shared}"


SEARCHED = 100_000


def _seed_of(features, separation, first_normals):
    """The seed whose flipped_news data starts with ``features[0, 0]``, or None.

    flipped_news draws its features first (class 0 is centred ``separation`` along axis
    0), so the first normal of the seed's generator gives it away."""
    seeds = np.flatnonzero(np.abs(first_normals - (features[0, 0] - separation)) < 1e-9)
    return int(seeds[0]) if len(seeds) else None


def test_hidden_label_quality_data_cannot_be_regenerated():
    from graders import test_label_quality as hidden

    first_normals = np.array([np.random.default_rng(seed).normal() for seed in range(SEARCHED)])
    # The search works: it finds a data set drawn from a small seed ...
    assert _seed_of(flipped_news(seed=31_337)[0], 4.0, first_normals) == 31_337
    # ... and none of those whose flipped indices the hidden graders score.
    for k, kwargs in ((1, {}), (2, {}), (7, {}),
                      (2, {"n_per_class": 60, "n_features": 100, "separation": 6.0})):
        features = flipped_news(seed=hidden.HIDDEN + k, **kwargs)[0]
        assert _seed_of(features, kwargs.get("separation", 4.0), first_normals) is None
