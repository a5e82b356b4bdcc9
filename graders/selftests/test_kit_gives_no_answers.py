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
* ``datasets_privacy`` -- the public labelled PII corpus, for practice; the hidden
  ``data_privacy`` graders score on held-out sentences (``graders/data/pii_heldout.jsonl``)
  that nothing under ``kit/`` contains, so looking sentences up in the public corpus
  earns nothing there (tested below, with the public corpus as the positive control);
* ``lexicon`` -- the suffix rules and irregular forms the lemmatization stub tells students
  to use (given, like ``tiny_lm``'s training loop and ``encoders``' sentence encoders);
* ``checks``, ``perf``, ``remote``, ``codec``, ``worker``, ``loader``, ``pytest_plugin``,
  ``notebook``, ``pretrained``, ``exercises`` -- the engine and test plumbing.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

import numpy as np
import pytest

from kit import layout
from kit.datasets import flipped_news
from kit.datasets_privacy import KINDS, NEGATIVE_KINDS, load_pii_corpus, precision_recall
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


# --------------------------------------------------------------------------- data_privacy


def _kit_texts():
    """Every readable text file under ``kit/`` (the student copy's package and data)."""
    texts = {}
    for path in sorted(KIT.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            try:
                texts[path.relative_to(KIT).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def _written_forms(sentence):
    """The sentence as it could stand in a file: plain, or escaped inside a JSON string."""
    return {sentence, json.dumps(sentence)[1:-1], json.dumps(sentence, ensure_ascii=False)[1:-1]}


def test_hidden_pii_sentences_are_not_in_kit():
    from graders import test_data_privacy as hidden

    heldout = [record["text"] for record in hidden.CORPUS]
    exact_cases = [case[0] for case in hidden.POSITIVE + hidden.NEGATIVE]
    assert len(heldout) >= 90 and {s["kind"] for r in hidden.CORPUS for s in r["pii"]} == set(KINDS)
    assert not layout.for_students(hidden.HELDOUT.relative_to(REPO_ROOT))
    assert hidden.HELDOUT.relative_to(REPO_ROOT).parts[0] in layout.hidden_from_worker()
    texts = _kit_texts()
    assert "pii_corpus.jsonl" in " ".join(texts), "the public corpus should be among the files searched"
    found = [(sentence, name) for sentence in heldout + exact_cases for name, text in texts.items()
             if any(form in text for form in _written_forms(sentence))]
    assert not found, f"hidden data_privacy sentences shipped under kit/: {found[:5]}"
    public = {record["text"] for record in load_pii_corpus()}
    assert not public & set(heldout), "held-out sentences must differ from the public corpus"


@dataclass(frozen=True)
class _Finding:
    kind: str
    start: int
    end: int
    text: str


class _Lookup:
    """A submission without detection code: the public corpus's labels, or nothing.

    ``by_piece`` also redacts, anywhere, every piece of PII the public corpus labels."""

    def __init__(self, by_piece=False):
        self.labels = {record["text"]: record["pii"] for record in load_pii_corpus()}
        self.pieces = {s["text"]: s["kind"] for spans in self.labels.values() for s in spans}
        self.by_piece = by_piece

    def redact_pii(self, text):
        spans = [(s["kind"], s["start"], s["end"]) for s in self.labels.get(text, [])]
        if self.by_piece and not spans:
            spans = sorted(((kind, text.index(piece), text.index(piece) + len(piece))
                            for piece, kind in self.pieces.items() if piece in text), key=lambda s: s[1])
        findings = [_Finding(kind, start, end, text[start:end]) for kind, start, end in spans]
        redacted, position = [], 0
        for f in findings:
            redacted += [text[position:f.start], f"<{f.kind}>"]
            position = f.end
        return "".join(redacted) + text[position:], findings


def _corpus_outcomes(hidden, impl):
    """Pass/fail of every hidden corpus test (per kind, per hard-negative kind) for ``impl``."""
    predictions = hidden._corpus_predictions(impl)
    scores = (predictions, precision_recall(predictions, hidden.CORPUS))
    outcomes = {}
    for name, test, params in (("kind", hidden.test_corpus_precision_and_recall, KINDS),
                               ("negatives", hidden.test_corpus_hard_negatives_left_alone, NEGATIVE_KINDS)):
        for param in params:
            try:
                test(scores, param)
                outcomes[name, param] = True
            except AssertionError:
                outcomes[name, param] = False
    return outcomes


@pytest.mark.parametrize("by_piece", [False, True], ids=["sentence lookup", "piece lookup"])
def test_a_lookup_of_the_public_corpus_scores_nothing_hidden(monkeypatch, by_piece):
    from graders import test_data_privacy as hidden

    lookup = _Lookup(by_piece=by_piece)
    outcomes = _corpus_outcomes(hidden, lookup)
    assert len(outcomes) == len(KINDS) + len(NEGATIVE_KINDS)
    passed = sorted(key for key, ok in outcomes.items() if ok)
    assert not passed, f"a lookup of the public corpus passes hidden corpus tests: {passed}"
    # Positive control: the same tests, scored on the public corpus, are all passed by the
    # lookup -- what the graders gave away before they scored on held-out sentences.
    public = load_pii_corpus()
    sentence = public[0]
    _, findings = hidden._redact(lookup, sentence["text"])
    assert findings == [(s["kind"], s["start"], s["end"], s["text"]) for s in sentence["pii"]] != []
    monkeypatch.setattr(hidden, "CORPUS", public)
    failed = sorted(key for key, ok in _corpus_outcomes(hidden, lookup).items() if not ok)
    assert not failed, f"positive control: the lookup should pass on the public corpus, fails {failed}"
