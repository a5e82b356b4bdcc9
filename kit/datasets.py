"""Data for the multi-task, label-quality, fine-tuning, n-shot and reward-ranking exercises
(complete; not a stub).

* :func:`labelled_sentences` -- the kit's labelled set (``kit/data/topics.tsv``): 90 short
  sentences written for the kit, each labelled twice, with a **topic** (sport, food,
  technology) and a **sentiment** (positive, negative, neutral), 10 per (topic, sentiment)
  pair, and a fixed split (45 ``"train"`` / 45 ``"test"`` sentences, balanced).
* :func:`pretraining_corpus` -- 170 unlabelled sentences on the same three topics
  (``kit/data/topics_corpus.txt``), on which :mod:`kit.encoders` pre-trains its small encoder.
* :func:`flipped_news` -- seeded well-separated classes with a share of the labels
  flipped on purpose, for the label-quality exercise.
* :func:`related_tasks` -- two seeded synthetic classification tasks on one hidden
  direction, for the multi-task exercise.
* :func:`expert_rankings` / :func:`preference_pairs` -- a seeded synthetic "expert" who ranks
  ``k`` responses per prompt, for the RLHF reward model. Each response is described by
  :data:`PREFERENCE_FEATURES` (scores in ``[0, 1]``); the expert prefers accurate, relevant,
  coherent answers and dislikes repetition, toxicity and answers that ramble on.
* :func:`toy_embeddings` -- the hand-made word vectors of the word-embeddings and
  embedding-bias exercises (``kit/data/<name>_toy.tsv``).

    >>> texts, labels = labelled_sentences("topic", split="train")
    >>> len(texts), labels[:3], LABEL_NAMES["topic"]
    (45, array([0, 0, 0]), ('sport', 'food', 'technology'))
    >>> features, ranking = expert_rankings(2, k=4, seed=0)   # (2, 4, 8), (2, 4)
"""

from __future__ import annotations

import csv
import functools
import itertools
from pathlib import Path

import numpy as np
import torch

DATA_DIR = Path(__file__).resolve().parent / "data"

TOPICS: tuple[str, ...] = ("sport", "food", "technology")
SENTIMENTS: tuple[str, ...] = ("positive", "negative", "neutral")
LABEL_NAMES: dict[str, tuple[str, ...]] = {"topic": TOPICS, "sentiment": SENTIMENTS}
SPLITS = ("train", "test")


def toy_embeddings(name: str) -> dict[str, np.ndarray]:
    """The toy embeddings ``kit/data/<name>_toy.tsv`` as a new ``{word: float64 vector}`` dict.

    The file is tab-separated: a header row (``word`` then the feature names), then one
    word per row; lines starting with ``#`` are comments. ``name`` is
    ``"word_embeddings"`` (3 features) or ``"embedding_bias"`` (5).
    """
    text = (DATA_DIR / f"{name}_toy.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {word: np.array([float(x) for x in values]) for word, *values in rows[1:]}


@functools.lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, str, str, str], ...]:
    with open(DATA_DIR / "topics.tsv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple((r["topic"], r["sentiment"], r["split"], r["text"]) for r in reader)


def labelled_sentences(task: str = "topic", split: str | None = None) -> tuple[list[str], np.ndarray]:
    """``(texts, labels)`` of the kit's labelled set, in file order.

    ``task`` is ``"topic"`` or ``"sentiment"``; ``labels`` is an int64 array of indices
    into ``LABEL_NAMES[task]``. ``split`` is ``"train"``, ``"test"`` or ``None`` (all 90).
    """
    if task not in LABEL_NAMES:
        raise ValueError(f"task must be one of {sorted(LABEL_NAMES)}, got {task!r}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
    names = LABEL_NAMES[task]
    column = 0 if task == "topic" else 1
    rows = [r for r in _rows() if split is None or r[2] == split]
    return [r[3] for r in rows], np.array([names.index(r[column]) for r in rows], dtype=np.int64)


def pretraining_corpus() -> list[str]:
    """The unlabelled sentences the kit's small encoder is pre-trained on."""
    text = (DATA_DIR / "topics_corpus.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- preferences

PREFERENCE_FEATURES: tuple[str, ...] = (
    "accuracy", "relevance", "coherence", "fluency", "politeness", "length", "repetition", "toxicity")

# The expert's taste (hidden from the reward model, which only sees the rankings).
_EXPERT_WEIGHTS = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0, -0.8, -2.0)
_LENGTH_LIMIT = 0.6      # answers longer than this are penalised ...
_LENGTH_PENALTY = 1.5    # ... by this much per unit of excess length
_EXPERT_NOISE = 0.05     # an expert is not perfectly consistent


def expert_score(features: torch.Tensor) -> torch.Tensor:
    """The expert's (noise-free) utility of responses ``(..., 8)`` -> ``(...)``."""
    w = torch.tensor(_EXPERT_WEIGHTS, dtype=features.dtype, device=features.device)
    length = features[..., PREFERENCE_FEATURES.index("length")]
    return features @ w - _LENGTH_PENALTY * torch.clamp(length - _LENGTH_LIMIT, min=0)


def expert_rankings(n_prompts: int, k: int = 4, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_prompts`` prompts with ``k`` responses each, ranked by the synthetic expert.

    Returns ``(features, ranking)``: float32 ``(n_prompts, k, 8)`` and int64
    ``(n_prompts, k)`` where ``ranking[p, i]`` is the rank of response ``i`` of prompt
    ``p`` (0 = the expert's favourite) -- the convention of
    ``reward_ranking.ranking_to_pairs``. Same seed, same data.
    """
    if type(n_prompts) is not int or n_prompts < 1:
        raise ValueError(f"n_prompts must be a positive int, got {n_prompts!r}")
    if type(k) is not int or k < 2:
        raise ValueError(f"k must be an int >= 2, got {k!r}")
    generator = torch.Generator().manual_seed(seed)
    features = torch.rand(n_prompts, k, len(PREFERENCE_FEATURES), generator=generator)
    noisy = expert_score(features) + _EXPERT_NOISE * torch.randn(n_prompts, k, generator=generator)
    order = torch.argsort(noisy, dim=1, descending=True, stable=True)  # best first
    ranking = torch.argsort(order, dim=1, stable=True)                 # rank of each response
    return features, ranking


def preference_pairs(n_prompts: int, k: int = 4, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(chosen, rejected)`` features, float32 ``(n_prompts * C(k, 2), 8)`` each.

    Every pair of responses to the same prompt from :func:`expert_rankings`, the one the
    expert ranked higher first.
    """
    features, ranking = expert_rankings(n_prompts, k, seed=seed)
    chosen, rejected = [], []
    for p in range(n_prompts):
        order = torch.argsort(ranking[p])  # response indices, best first
        for a, b in itertools.combinations(order.tolist(), 2):
            chosen.append(features[p, a])
            rejected.append(features[p, b])
    return torch.stack(chosen), torch.stack(rejected)


def related_tasks(seed: int, n: int = 100, n_test: int = 2000, d: int = 20):
    """Two tasks on the same hidden direction w: "a" = is |w.x| large? "b" = is w.x > 0?

    The threshold 0.6745 is the median of |N(0, 1)|, so both tasks are balanced
    (chance = 0.5). Task "a" is hard to learn from its own examples (the label does not
    change when w flips sign); task "b" reveals w easily. Returns ``({"a": (x, y),
    "b": (x, y)}, x_test, {"a": y_test, "b": y_test})``: ``n`` training examples per task,
    ``n_test`` test inputs labelled for both.
    """
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(d, generator=g)
    w = w / w.norm()

    def draw(m):
        x = torch.randn(m, d, generator=g)
        s = x @ w
        return x, (s.abs() > 0.6745).long(), (s > 0).long()

    xa, ya, _ = draw(n)
    xb, _, yb = draw(n)
    xt, yta, ytb = draw(n_test)
    return {"a": (xa, ya), "b": (xb, yb)}, xt, {"a": yta, "b": ytb}


def flipped_news(seed=0, n_per_class=300, n_features=10, separation=4.0, flip=0.10, n_classes=3):
    """Well-separated classes (think 'Sports', 'Politics', 'Technology' articles as feature
    vectors: class ``c`` is centred ``separation`` along axis ``c``) with a fraction ``flip``
    of the labels changed on purpose, each to another class.

    Returns (features, given_labels, flipped_indices)."""
    rng = np.random.default_rng(seed)
    means = np.zeros((n_classes, n_features))
    means[np.arange(n_classes), np.arange(n_classes)] = separation
    true = np.repeat(np.arange(n_classes), n_per_class)
    features = means[true] + rng.normal(size=(len(true), n_features))
    flipped = np.sort(rng.choice(len(true), int(round(flip * len(true))), replace=False))
    given = true.copy()
    given[flipped] = (true[flipped] + rng.integers(1, n_classes, len(flipped))) % n_classes
    return features, given, flipped
