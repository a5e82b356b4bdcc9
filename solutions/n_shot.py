"""Zero-, one-, few- and multi-shot learning -- reference solution."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

EXAMPLE_TEMPLATE = "Text: {text}\nLabel: {label}"
QUERY_TEMPLATE = "Text: {text}\nLabel:"
SEPARATOR = "\n\n"


def build_prompt(instruction: str, examples: Sequence[tuple[str, str]], query: str) -> str:
    if not isinstance(instruction, str):
        raise TypeError(f"instruction must be a str, got {type(instruction).__name__}")
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    if not isinstance(examples, (list, tuple)):
        raise TypeError(f"examples must be a list of (text, label) pairs, got {type(examples).__name__}")
    blocks = [instruction] if instruction else []
    for example in examples:
        if (not isinstance(example, (list, tuple)) or len(example) != 2
                or not all(isinstance(part, str) for part in example)):
            raise TypeError(f"each example must be a (text, label) pair of str, got {example!r}")
        text, label = example
        blocks.append(EXAMPLE_TEMPLATE.format(text=text, label=label))
    blocks.append(QUERY_TEMPLATE.format(text=query))
    return SEPARATOR.join(blocks)


def _matrix(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, features), got shape {a.shape}")
    return a


def _unit_rows(a: np.ndarray, name: str) -> np.ndarray:
    norms = np.linalg.norm(a, axis=-1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{name} has an all-zero row: cosine similarity is undefined")
    return a / norms


def _same_width(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"{names} must have the same number of features, got {a.shape[-1]} and {b.shape[-1]}")


def _int_labels(y, name: str, n_rows: int) -> np.ndarray:
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer labels, got dtype {y.dtype}")
    if y.shape != (n_rows,):
        raise ValueError(f"{name} must have shape ({n_rows},), one label per row, got {y.shape}")
    return y.astype(np.int64)


def select_examples(query: np.ndarray, pool: np.ndarray, k: int) -> list[int]:
    if type(k) is not int:
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    query = np.asarray(query, dtype=np.float64)
    if query.ndim != 1:
        raise ValueError(f"query must be 1-D (d,), got shape {query.shape}")
    pool = _matrix(pool, "pool")
    _same_width(query, pool, "query and pool")
    if not 0 <= k <= len(pool):
        raise ValueError(f"k must be between 0 and the pool size {len(pool)}, got {k}")
    similarity = _unit_rows(pool, "pool") @ _unit_rows(query, "query")
    order = np.argsort(-similarity, kind="stable")  # stable: equal similarities keep index order
    return [int(i) for i in order[:k]]


def parse_label(completion: str, labels: Sequence[str]) -> str | None:
    if not isinstance(completion, str):
        raise TypeError(f"completion must be a str, got {type(completion).__name__}")
    if not isinstance(labels, (list, tuple)) or not all(isinstance(label, str) for label in labels):
        raise TypeError("labels must be a list of str")
    if not labels or any(label == "" for label in labels):
        raise ValueError("labels must be a non-empty list of non-empty strings")
    if len({label.lower() for label in labels}) != len(labels):
        raise ValueError(f"labels must be distinct (ignoring case), got {list(labels)}")
    found = [label for label in labels
             if re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", completion, flags=re.IGNORECASE)]
    return found[0] if len(found) == 1 else None


def zero_shot_classify(x: np.ndarray, label_descriptions: np.ndarray) -> np.ndarray:
    x = _matrix(x, "x")
    descriptions = _matrix(label_descriptions, "label_descriptions")
    _same_width(x, descriptions, "x and label_descriptions")
    if len(descriptions) == 0:
        raise ValueError("label_descriptions must have at least one row")
    similarity = _unit_rows(x, "x") @ _unit_rows(descriptions, "label_descriptions").T
    return np.argmax(similarity, axis=1).astype(np.int64)  # argmax: first index on ties


def few_shot_classify(x: np.ndarray, support: np.ndarray, support_labels: np.ndarray) -> np.ndarray:
    x = _matrix(x, "x")
    support = _matrix(support, "support")
    _same_width(x, support, "x and support")
    labels = _int_labels(support_labels, "support_labels", len(support))
    if len(support) == 0:
        raise ValueError("support must have at least one row")
    unit_support = _unit_rows(support, "support")
    classes = np.unique(labels)  # sorted
    prototypes = np.stack([unit_support[labels == c].mean(axis=0) for c in classes])
    similarity = _unit_rows(x, "x") @ _unit_rows(prototypes, "a class prototype").T
    return classes[np.argmax(similarity, axis=1)].astype(np.int64)


def multi_shot_classify(x: np.ndarray, train_x: np.ndarray, train_y: np.ndarray, seed: int = 0) -> np.ndarray:
    x = _matrix(x, "x")
    train_x = _matrix(train_x, "train_x")
    _same_width(x, train_x, "x and train_x")
    train_y = _int_labels(train_y, "train_y", len(train_x))
    if len(np.unique(train_y)) < 2:
        raise ValueError("train_y must have at least two distinct labels to train a classifier")
    classifier = LogisticRegression(max_iter=1000, random_state=seed).fit(train_x, train_y)
    return classifier.predict(x).astype(np.int64)
